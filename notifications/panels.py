"""Notifications sections on pages owned by lower apps (the debate topic page, the home page)."""

from django.template.loader import render_to_string

from notifications import selectors


def topic_panel(request, topic) -> str:
    """The follow / unfollow button: no query for visitors, one for a signed-in reader."""
    if not request.user.is_authenticated:
        return ""
    following = selectors.is_following(user=request.user, topic_id=topic.pk)
    return render_to_string("notifications/_follow.html", {"topic": topic, "following": following}, request=request)


def home_followed_panel(request, obj=None) -> str:
    """ "Debates que você segue" with unread counts, on the reader's home page."""
    if not request.user.is_authenticated:
        return ""
    rows = selectors.followed_topics(user=request.user)
    return render_to_string("notifications/panels/home_followed.html", {"rows": rows}, request=request)
