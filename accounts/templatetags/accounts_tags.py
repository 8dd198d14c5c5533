from decimal import Decimal

from django import template
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _

from accounts import widgets
from core.fragments import viewer_mark

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


@register.simple_tag
def review_mark(review):
    """Where a reader's bits on a public review go (accounts.panels.fill_review_bits), with what
    they show: the author (no vote on one's own review), the count, whether it is hidden."""
    return viewer_mark("review", review.pk, review.user_id, review.helpful_count, review.is_hidden)


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
