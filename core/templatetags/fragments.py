from django import template

from core.fragments import viewer_mark as _viewer_mark

register = template.Library()


@register.simple_tag
def viewer_mark(kind, pk, *extra):
    """`{% viewer_mark "review" review.pk review.user_id %}`: where a reader's own bit goes (core.fragments)."""
    return _viewer_mark(kind, pk, *extra)
