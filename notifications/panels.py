"""Notifications sections on pages owned by lower apps (the debate topic page)."""

from django.template.loader import render_to_string

from notifications import selectors


def topic_panel(request, topic) -> str:
    """The follow / unfollow button: no query for visitors, one for a signed-in reader."""
    if not request.user.is_authenticated:
        return ""
    following = selectors.is_following(user=request.user, topic_id=topic.pk)
    return render_to_string("notifications/_follow.html", {"topic": topic, "following": following}, request=request)
