from django import template
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token

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


@register.simple_tag(takes_context=True)
def review_item(context, review):
    """A review in a list (accounts.widgets.review_item) ending in the reader's bits: on a page
    shared by signed-in readers (`viewer_marks`) the slot each reader's are filled into."""
    bits = review_mark(context, review) if context.get("viewer_marks") else review_viewer_bits(context, review)
    return widgets.review_item(review, bits)


# A review's rating as stars and as words (accounts.widgets, which review items use too).
register.filter("stars", widgets.stars)
register.filter("rating_display", widgets.rating_display)
