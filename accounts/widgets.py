"""Reviews as HTML, built without templates: a review in a list (`review_item`), its rating
(`stars`, `rating_display`, also template filters) and a reader's own bits on it (the "Útil"
vote, the report link).

The bits are filled into the shared review HTML for every signed-in reader on every book page
(core.fragments), ten per page, so they cost string formatting, not ten template renders; a
review in a list took 0.5 ms as a template included per review. Plain forms and links: they
work without JavaScript; htmx swaps the vote in place.
"""

from decimal import Decimal
from html import escape

from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.fragments import pk_url
from core.reversing import reverse

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


def stars(rating) -> str:
    """4.5 → "★★★★½" (the number is given alongside for screen readers)."""
    if rating is None:
        return ""
    rating = Decimal(rating)
    full = int(rating)
    return "★" * full + ("½" if rating - full >= Decimal("0.5") else "")


def rating_display(rating) -> str:
    """4.5 → "4,5 de 5"."""
    if rating is None:
        return ""
    value = f"{Decimal(rating).normalize():f}".replace(".", ",")
    return _("%(value)s de 5") % {"value": value}


def review_item(review, viewer_bits: SafeString) -> SafeString:
    """A review in a list (the book page's most helpful, the book's reviews, a review's own
    page) ending in `viewer_bits` (`review_viewer_bits`, or a shared page's slot)."""
    username = review.user.username
    profile_url = reverse("accounts:profile", kwargs={"username": username})
    written = date_format(localtime(review.created_at), "SHORT_DATE_FORMAT")
    recommends = f' <span class="badge">{escape(_("recomenda"))}</span>' if review.would_recommend else ""
    parts = [
        f'<li class="review" id="resenha-{int(review.pk)}">\n  <p class="review-meta">\n'
        f'    <span class="stars" aria-hidden="true">{escape(stars(review.rating))}</span>'
        f' <span class="visually-hidden">{escape(rating_display(review.rating))}</span>\n'
        f'    <a href="{escape(profile_url)}">{escape(username)}</a>\n'
        f'    <span class="muted small">· <a href="{escape(review.get_absolute_url())}">{escape(written)}</a></span>'
        f"{recommends}\n  </p>"
    ]
    if review.is_hidden:
        note = _("Resenha ocultada pela moderação: %(reason)s") % {"reason": review.hidden_reason}
        parts.append(f'<p class="hidden-note muted">{escape(note)}</p>')
    if review.shown_title:
        parts.append(f'<p class="review-title"><strong>{escape(review.shown_title)}</strong></p>')
    if review.shown_text:
        text = f"<p>{linebreaksbr(review.shown_text, autoescape=True)}</p>"
        if review.contains_spoilers:
            summary = escape(_("Contém spoilers — mostrar resenha"))
            text = f'<details class="spoiler"><summary>{summary}</summary>{text}</details>'
        parts.append(text)
    parts.append(f"{viewer_bits}\n</li>")
    return mark_safe("\n  ".join(parts))
