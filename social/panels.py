"""The sections this app adds to pages of lower apps (see core.panels): the feed column of
the home page and the follow box of a profile."""

from django.template.loader import render_to_string

from social import selectors


def home_feed_panel(request, obj=None) -> str:
    """Logged-in readers: their feed, or the community stream while they follow nobody.
    Marks the feed as seen ("novidades")."""
    if not request.user.is_authenticated:
        return ""
    reader = request.user
    context = {}
    if selectors.following_count(reader):
        context["page"] = selectors.home_feed(reader=reader, detail=False)
        selectors.feed_mark_seen(reader.pk)
    else:
        context["community"] = selectors.community_stream(viewer=reader, size=10)
    return render_to_string("social/panels/home_feed.html", context, request=request)


def suggestions_panel(request, obj=None) -> str:
    """ "Leitores para seguir" in the dashboard's side column (cached an hour per reader)."""
    if not request.user.is_authenticated:
        return ""
    suggestions = selectors.follow_suggestions(reader=request.user)
    return render_to_string("social/_suggestions.html", {"suggestions": suggestions}, request=request)


def profile_panel(request, owner) -> str:
    """Counts, the follow / block / mute buttons and the reader's latest activities."""
    rel = selectors.relationship(viewer=request.user, owner=owner)
    context = {"owner": owner, "rel": rel, "groups": [], "next_cursor": None}
    if rel.can_see:
        rows, context["next_cursor"] = selectors.actor_activities(owner=owner, viewer=request.user, size=10)
        context["groups"] = selectors.group_activities(rows)
    return render_to_string("social/panels/profile.html", context, request=request)
