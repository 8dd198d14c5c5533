"""Notifications sections on pages owned by lower apps (the debate topic page, the home page)."""

from django.template.loader import render_to_string

from core.fragments import CSRF_MARK, slot
from core.personal import reader_facts
from debates.selectors import topic_slugs
from notifications import selectors

# core.personal.register_facts, in apps
FOLLOWS_FACTS, UNREAD_FACTS = "notifications_follows", "notifications_unread"


def reader_unread_count(request) -> int:
    """The header's counter: read with the reader's other facts, no round trip of its own."""
    return reader_facts(request, UNREAD_FACTS)


def topic_panel(request, topic) -> str:
    """The follow / unfollow button: no query for visitors, one for a signed-in reader. On a
    page shared by signed-in readers, "follow" in a slot the followers' filler replaces."""
    if not request.user.is_authenticated:
        return ""
    if getattr(request, "shared_page", False):
        html = render_to_string("notifications/_follow.html", {"topic": topic, "following": False}, request=request)
        return slot("topic_follow", topic.pk, html)
    following = selectors.is_following(user=request.user, topic_id=topic.pk)
    return render_to_string("notifications/_follow.html", {"topic": topic, "following": following}, request=request)


def fill_topic_follow(request, found) -> dict[int, str | None]:
    """The "following" button for the topics of the page the reader follows, from their
    cached facts (core.personal.reader_facts); one query for a reader with too many."""
    if not request.user.is_authenticated:
        return {}
    topic_ids = [pk for pk, *_extra in found]
    followed = reader_facts(request, FOLLOWS_FACTS)
    if followed is None:
        slugs = selectors.followed_slugs(user=request.user, topic_ids=topic_ids)
    else:
        slugs = topic_slugs([pk for pk in topic_ids if pk in followed])
    context = {"following": True, "csrf_token": CSRF_MARK}
    return {
        pk: render_to_string("notifications/_follow.html", {**context, "topic": {"slug": slug}})
        for pk, slug in slugs.items()
    }


def home_followed_panel(request, obj=None) -> str:
    """ "Debates que você segue" with unread counts, on the reader's home page."""
    if not request.user.is_authenticated:
        return ""
    rows = selectors.followed_topics(user=request.user)
    return render_to_string("notifications/panels/home_followed.html", {"rows": rows}, request=request)
