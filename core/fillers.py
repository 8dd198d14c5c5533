"""What fills the marks of the base template on pages shared by signed-in readers."""

from django.template import engines
from django.template.loader import get_template

# nav 0: the reader's links (shelves, stats, notifications, profile, logout); nav 1: the
# unread counter on the phone menu's button.
NAV_TEMPLATES = {0: "_nav_reader.html", 1: "_nav_count.html"}


def fill_nav(request, found) -> dict[int, str]:
    """Both header bits from one run of the context processors (one unread-count read)."""
    context = {}
    for processor in engines["django"].engine.template_context_processors:
        context.update(processor(request))
    fills = {}
    for pk, *_extra in found:
        if pk == 1 and not context.get("notifications_unread"):
            fills[pk] = ""
        else:
            fills[pk] = get_template(NAV_TEMPLATES[pk]).render(context)
    return fills
