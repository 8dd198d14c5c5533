"""A reader's own bits on a review (the "Útil" vote, the report link), built without a template.

They are filled into the shared review HTML for every signed-in reader on every book page
(core.fragments), ten per page, so they cost string formatting, not ten template renders.
Plain forms and links: they work without JavaScript; htmx swaps the vote in place.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.fragments import pk_url

_FORM = (
    '<div class="helpful" id="util-{pk}">'
    '<form method="post" action="{url}" class="inline" hx-post="{url}" hx-target="#util-{pk}" hx-swap="outerHTML">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    '<input type="hidden" name="next" value="{next}#resenha-{pk}">'
    '<button type="submit" class="{css}" aria-pressed="{pressed}">{label} · {count}</button></form></div>'
)


def helpful_widget(review, *, viewer, voted: bool, csrf_token: str, next_url: str) -> SafeString:
    """The vote form for a signed-in reader on someone else's review; the count as text otherwise."""
    count = review.helpful_count
    if viewer.is_authenticated and viewer.pk != review.user_id:
        url = pk_url("accounts:review_helpful", review.pk)
        css, pressed = ("", "true") if voted else ("secondary", "false")
        return format_html(
            _FORM, pk=review.pk, url=url, token=csrf_token, next=next_url, css=css, pressed=pressed,
            label=_("Útil"), count=count,
        )  # fmt: skip
    text = ngettext("%(counter)s pessoa achou útil", "%(counter)s pessoas acharam útil", count) % {"counter": count}
    return format_html('<div class="helpful" id="util-{}"><span class="muted small">{}</span></div>', review.pk, text)


def review_viewer_bits(
    review, *, viewer, voted: bool, csrf_token: str, next_url: str, share_token: str = ""
) -> SafeString:
    """The helpful vote (public reviews) and, for someone else's visible review, the report link."""
    parts = []
    if review.visibility == "public":
        parts.append(helpful_widget(review, viewer=viewer, voted=voted, csrf_token=csrf_token, next_url=next_url))
    if viewer.is_authenticated and viewer.pk != review.user_id and not review.is_hidden:
        url = pk_url("moderation:review_report", review.pk) + (f"?k={share_token}" if share_token else "")
        parts.append(format_html('<a class="small report-link" href="{}" rel="nofollow">{}</a>', url, _("Denunciar")))
    return SafeString("\n".join(parts))
