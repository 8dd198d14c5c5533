from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


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
