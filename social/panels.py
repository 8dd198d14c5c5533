"""The sections this app adds to pages of lower apps (see core.panels): the feed column of
the home page and the follow box of a profile."""

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.cache import depends_on
from core.fragments import CSRF_MARK, slot, viewer_mark
from core.personal import reader_facts
from social import cache as social_cache
from social import selectors
from social.models import FollowPolicy


def home_feed_panel(request, obj=None) -> str:
    """Logged-in readers: their feed, or the community stream while they follow nobody.
    Marks the feed as seen ("novidades")."""
    if not request.user.is_authenticated:
        return ""
    reader = request.user
    context = {}
    if selectors.following_count(reader):
        context["page"] = selectors.home_feed(reader=reader, detail=False)
        selectors.feed_mark_seen(reader.pk, context["page"])
    else:
        context["community"] = selectors.community_stream(viewer=reader, size=10)
    return render_to_string("social/panels/home_feed.html", context, request=request)


FEED_PAGE = "social:feed_page"
# core.personal.register_facts, in apps; a new name when the stored shape changes, so a
# deploy never reads facts an older one stored.
RELATED_FACTS = "social_related_ids"
_STRANGER = selectors.Relationship()


def feed_page_body(request) -> str:
    """The first page of the feed page (/social/), for the reader's cached copy (core.personal).
    Marks the feed as seen."""
    page = selectors.home_feed(reader=request.user, detail=False)
    selectors.feed_mark_seen(request.user.pk, page)
    return render_to_string("social/_feed_page.html", {"page": page}, request=request)


def suggestions_panel(request, obj=None) -> str:
    """ "Leitores para seguir" in the dashboard's side column (cached an hour per reader)."""
    if not request.user.is_authenticated:
        return ""
    suggestions = selectors.follow_suggestions(reader=request.user)
    return render_to_string("social/_suggestions.html", {"suggestions": suggestions}, request=request)


def profile_panel(request, owner) -> str:
    """Counts, the follow / block / mute buttons and the reader's latest activities. Shared
    with signed-in readers as a stranger sees it: the buttons are a slot ("follow") and the
    "segue você" badge a mark ("follows_you"), both filled per reader (`fill_follow`)."""
    shared = getattr(request, "shared_page", False)
    depends_on(social_cache.relations_namespace(owner.pk))  # the counts: a stored profile follows them
    # The placeholder reader follows and blocks nobody: a stranger's view without the queries.
    viewer = AnonymousUser() if shared else request.user
    rel = selectors.relationship(viewer=viewer, owner=owner)
    context = {"owner": owner, "rel": rel, "groups": [], "next_cursor": None}
    if shared:
        context["actions"] = slot("follow", owner.pk, _actions(owner.username, rel, CSRF_MARK))
        context["follows_you"] = viewer_mark("follows_you", owner.pk)
    elif request.user.is_authenticated and not rel.is_owner:
        context["actions"] = _actions(owner.username, rel, get_token(request))
        context["follows_you"] = _follows_you(rel)
    if rel.can_see:
        rows, context["next_cursor"] = selectors.actor_activities(owner=owner, viewer=viewer, size=10)
        context["groups"] = selectors.group_activities(rows)
    return render_to_string("social/panels/profile.html", context, request=request)


def profile_shareable(request, username: str) -> bool:
    """Whether this reader's view of a profile is a stranger's but for the slot and mark:
    not for the owner, readers blocked either way, nor approved followers of a reader who
    shows activities to them only. No query for a stranger (the reader's cached facts; an
    unknown name is the view's 404), nor for a related reader once their relationship is
    cached (`selectors.cached_relation`); kept for the fillers of this request."""
    related = reader_facts(request, RELATED_FACTS)
    if related is None:  # related to too many to cache: one query
        relations = selectors.viewer_relations(viewer_id=request.user.pk, username=username)
    else:
        owner_id = related.ids.get(username)
        if owner_id is None:
            return True
        relation = selectors.cached_relation(viewer_id=request.user.pk, owner_id=owner_id)
        relations = {owner_id: relation} if relation else {}
    _remember(request, relations)
    return bool(relations) and not any(
        rel.is_owner or rel.blocking or rel.blocked_by or (rel.following and rel.policy == FollowPolicy.APPROVAL)
        for _name, rel in relations.values()
    )


def fill_follow(request, found) -> dict[int, str | None]:
    """The reader's own buttons where they differ from a stranger's (else the slot's default)."""
    fills = {}
    for pk, (username, rel) in _relations(request, found).items():
        differs = rel.is_owner or rel.following or rel.requested or rel.follows_you or rel.blocking or rel.blocked_by
        fills[pk] = ("" if rel.is_owner else _actions(username, rel, CSRF_MARK)) if differs else None
    return fills


def fill_follows_you(request, found) -> dict[int, str]:
    return {pk: _follows_you(rel) for pk, (_name, rel) in _relations(request, found).items()}


def fill_nothing_for_visitor(request, found) -> dict[int, str]:
    """Visitor filler of the "follow" slot and the "follows_you" mark: a visitor has neither."""
    return {pk: "" for pk, *_extra in found}


def _actions(username: str, rel, csrf_token: str) -> str:
    context = {"owner": {"username": username}, "rel": rel, "csrf_token": csrf_token}
    return get_template("social/_profile_actions.html").render(context)


def _follows_you(rel) -> str:
    return format_html(' · <span class="badge">{}</span>', _("segue você")) if rel.follows_you else ""


def _remember(request, relations: dict) -> dict:
    request._social_relations = {**getattr(request, "_social_relations", {}), **relations}
    return relations


def _relations(request, found) -> dict:
    """The reader's relationship to each owner of `found`: strangers from the reader's cached
    facts (core.personal.reader_facts), the others' relationships cached per pair, or one
    query for a reader related to too many to cache."""
    known = getattr(request, "_social_relations", {})
    missing = {pk for pk, *_extra in found} - known.keys()
    related = reader_facts(request, RELATED_FACTS) if missing else None
    if related is not None:
        related_ids = set(related.ids.values())
        _remember(request, {pk: (None, _STRANGER) for pk in missing - related_ids})
        for pk in missing & related_ids:
            relation = selectors.cached_relation(viewer_id=request.user.pk, owner_id=pk)
            if relation:
                _remember(request, {pk: relation})
    elif missing:
        _remember(request, selectors.viewer_relations(viewer_id=request.user.pk, ids=missing))
    known = getattr(request, "_social_relations", {})
    return {pk: known[pk] for pk, *_extra in found if pk in known}
