from decimal import Decimal

from django import template
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _

from accounts import widgets
from core.fragments import CSRF_MARK, slot
from core.microcache import shared_reader

register = template.Library()


@register.simple_tag(takes_context=True)
def review_viewer_bits(context, review):
    """The reader's helpful vote and report link on a review (accounts.widgets)."""
    request = context.get("request")
    return widgets.review_viewer_bits(
        review,
        viewer=context.get("user") or AnonymousUser(),
        voted=review.pk in context.get("helpful_ids", ()),
        csrf_token=get_token(request) if request is not None else "",
        next_url=context.get("next_url") or (request.get_full_path() if request is not None else ""),
        share_token=context.get("share_token", ""),
    )


@register.simple_tag(takes_context=True)
def review_mark(context, review):
    """A reader's bits on a public review of the book page: by default what every reader who
    neither wrote nor found it useful sees (the unpressed vote, the report link); the filler
    (accounts.panels.fill_review_bits) replaces it for the others, from what the slot carries:
    the author, the count, whether it is hidden."""
    default = widgets.review_viewer_bits(
        review, viewer=shared_reader(), voted=False, csrf_token=CSRF_MARK, next_url=context["book"].get_absolute_url()
    )
    return slot("review", review.pk, default, review.user_id, review.helpful_count, review.is_hidden)


@register.filter
def stars(rating) -> str:
    """4.5 → "★★★★½" (the number is given alongside for screen readers)."""
    if rating is None:
        return ""
    rating = Decimal(rating)
    full = int(rating)
    return "★" * full + ("½" if rating - full >= Decimal("0.5") else "")


@register.filter
def rating_display(rating) -> str:
    """4.5 → "4,5 de 5"."""
    if rating is None:
        return ""
    value = f"{Decimal(rating).normalize():f}".replace(".", ",")
    return _("%(value)s de 5") % {"value": value}
