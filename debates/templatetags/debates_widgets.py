from django import template

from debates import widgets

register = template.Library()


@register.simple_tag(takes_context=True)
def post_actions(context, node):
    """`{% post_actions node %}` under a post (debates.widgets): for signed-in readers the vote
    buttons and links in slots each reader's own fill (debates.fillers); for visitors the score."""
    if context.get("signed_in"):
        return widgets.shared_post_actions(node, page_number=context["page"].number, reply_url=context["reply_url"])
    return widgets.vote_widget(node, viewer=context["user"], my_vote=None, csrf_token="")
