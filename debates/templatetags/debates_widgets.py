from django import template
from django.middleware.csrf import get_token

from debates import widgets

register = template.Library()


@register.simple_tag(takes_context=True)
def post_actions(context, node, my_vote):
    """`{% post_actions node my_vote %}`: vote widget and links under a post (debates.widgets)."""
    viewer = context["user"]
    return widgets.post_actions(
        node,
        viewer=viewer,
        my_vote=my_vote,
        csrf_token=get_token(context["request"]) if viewer.is_authenticated else "",  # no cookie for visitors
        page_number=context["page"].number,
        reply_url=context["reply_url"],
        is_moderator=context.get("is_moderator", False),
    )
