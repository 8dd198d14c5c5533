"""Reads of the social app: relationships, activity lists and the home feed.

The feed page costs a fixed number of queries whatever the number of readers followed:
the ids come from Redis (rebuilt with one query when missing), read-merged accounts add
one query, and one query loads the activities still public, so a deletion, a moderator's
hide or a privacy change leaves every feed at once, before any cleanup task has run.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, FloatField, Func, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.models import BookReview, BookShelf
from catalog.models import Book
from core.cache import cached
from core.db import placeholders, read_rows
from core.http import parse_id
from core.i18n import choice_label, time_since
from core.pagination import paginate
from core.personal import at_most
from core.privacy import Visibility
from core.reversing import reverse
from debates.models import DebatePost, DebateTopic
from library.models import ReadingGoal
from social import cache as social_cache
from social import feeds
from social.lines import activity_line
from social.models import Activity, Block, Follow, FollowPolicy, Mute, SocialSettings

Status = Follow.Status
Verb = Activity.Verb
PAGE_SIZE = 20
LIST_PAGE_SIZE = 30
SUGGESTIONS = 5
CURSOR_SLACK = 5


# --- Relationships --------------------------------------------------------------------------


@dataclass
class Relationship:
    """What `viewer` and `owner` are to each other (anonymous viewers: all False)."""

    is_owner: bool = False
    following: bool = False  # viewer follows owner (accepted)
    requested: bool = False  # viewer asked to follow owner (pending)
    follows_you: bool = False  # owner follows viewer
    blocking: bool = False  # viewer blocked owner
    blocked_by: bool = False  # owner blocked viewer
    muting: bool = False
    policy: str = FollowPolicy.ANYONE
    followers_count: int = 0
    following_count: int = 0

    @property
    def can_see(self) -> bool:
        """May the viewer see the owner's activities and follower lists?"""
        if self.is_owner:
            return True
        if self.blocking or self.blocked_by:
            return False
        return self.policy != FollowPolicy.APPROVAL or self.following

    @property
    def can_follow(self) -> bool:
        return not (self.is_owner or self.blocking or self.blocked_by) and self.policy != FollowPolicy.NOBODY


# The owner's settings, read by every cold profile: SQL, as the ORM's compilation cost more than the query.
_SETTINGS_SQL = "SELECT follow_policy, followers_count, following_count FROM {table} WHERE user_id = %s"


def relationship(*, viewer: AbstractBaseUser, owner: AbstractBaseUser) -> Relationship:
    """At most four queries: the owner's settings, follows between the two, blocks, mute."""
    rel = Relationship()
    settings_row = read_rows(SocialSettings, _SETTINGS_SQL, [owner.pk])
    if settings_row:
        rel.policy, rel.followers_count, rel.following_count = settings_row[0]
    if not viewer.is_authenticated:
        return rel
    if viewer.pk == owner.pk:
        rel.is_owner = True
        return rel
    between = Q(follower=viewer, followee=owner) | Q(follower=owner, followee=viewer)
    for follower_id, status in Follow.objects.filter(between).values_list("follower_id", "status"):
        if follower_id == viewer.pk:
            rel.following, rel.requested = status == Status.ACCEPTED, status == Status.PENDING
        else:
            rel.follows_you = status == Status.ACCEPTED
    pair = Q(blocker=viewer, blocked=owner) | Q(blocker=owner, blocked=viewer)
    for blocker_id in Block.objects.filter(pair).values_list("blocker_id", flat=True):
        rel.blocking = rel.blocking or blocker_id == viewer.pk
        rel.blocked_by = rel.blocked_by or blocker_id == owner.pk
    rel.muting = Mute.objects.filter(muter=viewer, muted=owner).exists()
    return rel


# What a reader is to owners, for every request of a shared profile: raw SQL, because
# compiling the same query through the ORM cost several times its run (one query either way).
_RELATIONS_SQL = """
SELECT u.id, u.username,
  (SELECT s.follow_policy FROM {settings} s WHERE s.user_id = u.id),
  (SELECT f.status FROM {follow} f WHERE f.follower_id = %s AND f.followee_id = u.id),
  (SELECT f.status FROM {follow} f WHERE f.follower_id = u.id AND f.followee_id = %s),
  EXISTS (SELECT 1 FROM {block} b WHERE b.blocker_id = %s AND b.blocked_id = u.id),
  EXISTS (SELECT 1 FROM {block} b WHERE b.blocker_id = u.id AND b.blocked_id = %s),
  EXISTS (SELECT 1 FROM {mute} m WHERE m.muter_id = %s AND m.muted_id = u.id)
FROM {user} u WHERE u.is_active AND {owners}
"""


# A reader related to more readers than this is asked the database per page.
RELATED_MAX = 4_000
_RELATED_SQL = """
SELECT u.id, u.username FROM {user} u WHERE u.id = %s OR u.id IN (
  SELECT followee_id FROM {follow} WHERE follower_id = %s
  UNION SELECT follower_id FROM {follow} WHERE followee_id = %s
  UNION SELECT blocked_id FROM {block} WHERE blocker_id = %s
  UNION SELECT blocker_id FROM {block} WHERE blocked_id = %s)
LIMIT %s
"""


@dataclass(frozen=True)
class Related:
    """The readers someone follows, is followed by (or asked), blocks or is blocked by, and
    themselves: to anyone else they are a stranger."""

    ids: dict[str, int]  # username -> id


def reader_related(user_id: int) -> Related | None:
    """`Related` of the reader; None when too many to cache (core.personal.reader_facts)."""
    tables = {"user": get_user_model()._meta.db_table, "follow": Follow._meta.db_table, "block": Block._meta.db_table}
    rows = at_most(read_rows(Follow, _RELATED_SQL, [user_id] * 5 + [RELATED_MAX + 1], **tables), RELATED_MAX)
    if rows is None:
        return None
    return Related({name: pk for pk, name in rows})


def cached_relation(*, viewer_id: int, owner_id: int) -> tuple[str, "Relationship"] | None:
    """`viewer_relations` of one owner the viewer is related to, cached under both readers'
    relations versions: any follow, block or mute between them, or a change of either's
    policy, reads it again. None for an inactive owner."""

    def build():
        return viewer_relations(viewer_id=viewer_id, ids=[owner_id]).get(owner_id)

    return cached(social_cache.relation_key(viewer_id, owner_id), build, social_cache.RELATION_TIMEOUT)


def viewer_relations(
    *, viewer_id: int, username: str | None = None, ids: Iterable[int] = ()
) -> dict[int, tuple[str, Relationship]]:
    """(username, what the viewer is to them) of the active reader called `username`, or of
    each of `ids`: follows both ways, blocks, mute and the owner's policy, in one query; the
    counts are not read."""
    ids = [int(pk) for pk in ids]
    if username is not None:
        rows = _relations_rows(viewer_id, "u.username = %s", [username])
    elif ids:
        rows = _relations_rows(viewer_id, f"u.id IN ({placeholders(ids)})", ids)
    else:
        return {}
    return {pk: _relation(viewer_id, pk, rest) for pk, *rest in rows}


def _relations_rows(viewer_id: int, owners: str, params: list) -> list[tuple]:
    tables = {
        "user": get_user_model()._meta.db_table,
        "settings": SocialSettings._meta.db_table,
        "follow": Follow._meta.db_table,
        "block": Block._meta.db_table,
        "mute": Mute._meta.db_table,
    }
    return read_rows(Follow, _RELATIONS_SQL, [viewer_id] * 5 + params, owners=owners, **tables)


def _relation(viewer_id: int, pk: int, row) -> tuple[str, Relationship]:
    name, policy, mine, theirs, blocking, blocked_by, muting = row
    return name, Relationship(
        is_owner=pk == viewer_id,
        following=mine == Status.ACCEPTED,
        requested=mine == Status.PENDING,
        follows_you=theirs == Status.ACCEPTED,
        blocking=bool(blocking),
        blocked_by=bool(blocked_by),
        muting=bool(muting),
        policy=policy or FollowPolicy.ANYONE,
    )


def blocked_ids(user_id: int) -> set[int]:
    """Readers this one blocked or is blocked by (usually none)."""
    rows = Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list("blocker_id", "blocked_id")
    return {other for pair in rows for other in pair if other != user_id}


def follow_people(*, owner: AbstractBaseUser, direction: str, page: int = 1) -> dict:
    """One page of the owner's followers ("seguidores") or of whom they follow ("seguindo")."""
    follows = Follow.objects.filter(status=Status.ACCEPTED)
    if direction == "followers":
        follows, person = follows.filter(followee=owner), "follower"
    else:
        follows, person = follows.filter(follower=owner), "followee"
    rows = follows.select_related(person).only(f"{person}__username", "created_at").order_by("-created_at", "-id")
    shown = paginate(rows, number=page, per_page=LIST_PAGE_SIZE)  # past the end: the last page
    people = [getattr(row, person) for row in shown]
    return {"people": people, "has_next": shown.has_next(), "page": shown.number}


def pending_requests(*, user: AbstractBaseUser, limit: int = 100) -> list[Follow]:
    return list(
        Follow.objects.filter(followee=user, status=Status.PENDING)
        .select_related("follower")
        .only("follower__username", "created_at", "followee_id")
        .order_by("-created_at")[:limit]
    )


# --- Cursors --------------------------------------------------------------------------------


def cursor_of(activity: Activity) -> str:
    return f"{feeds.score_of(activity.created_at)}.{activity.pk}"


def parse_cursor(value: str | None) -> tuple[int, int] | None:
    """`<score>.<id>` as given by `cursor_of`; a bad value is a pt-BR ValidationError (400)."""
    if not value:
        return None
    score, dot, activity_id = value.partition(".")
    score, activity_id = parse_id(score), parse_id(activity_id)
    if not (dot and score and activity_id):
        raise ValidationError(_("Posição inválida na lista de atividades."))
    return score, activity_id


def _before(entries: list[tuple[int, int]], cursor: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Entries (id, score) strictly older than the cursor, newest first, without repeats."""
    unique = {activity_id: score for activity_id, score in entries}
    ordered = sorted(unique.items(), key=lambda entry: (entry[1], entry[0]), reverse=True)
    if cursor is None:
        return ordered
    return [(aid, score) for aid, score in ordered if (score, aid) < cursor]


def _cursor_bound(cursor: tuple[int, int]) -> datetime:
    """Rows older than this may be past the cursor. Scores are whole microseconds; the exact
    (score, id) cut is made in Python (`_before`, `_page`)."""
    return datetime.fromtimestamp((cursor[0] + 1) / 1_000_000, tz=UTC)


def _older_than(queryset: QuerySet, cursor: tuple[int, int] | None) -> QuerySet:
    return queryset if cursor is None else queryset.filter(created_at__lt=_cursor_bound(cursor))


# --- Activities -----------------------------------------------------------------------------


def attach_lines(activities: list[Activity]) -> None:
    """Give each activity its rendered line (`activity.line`): one `get_many` for the page;
    only the misses are loaded (one query, none if the rows came with their items) and
    rendered. A line is dropped when its item changes, so it never shows an old rating."""
    keys = social_cache.line_keys(activity.pk for activity in activities)
    lines = cache.get_many(list(keys.values()))
    missing = {activity.pk: activity for activity in activities if keys[activity.pk] not in lines}
    if missing:
        bare = [pk for pk, activity in missing.items() if not Activity.book.is_cached(activity)]
        if bare:
            missing.update({row.pk: row for row in _with_items(bare)})
        fresh = {keys[pk]: activity_line(activity) for pk, activity in missing.items()}
        cache.set_many(fresh, timeout=social_cache.LINE_TIMEOUT)
        lines.update(fresh)
    for activity in activities:
        activity.line = mark_safe(lines.get(keys[activity.pk], ""))


def public_activities() -> QuerySet:
    return Activity.objects.filter(visibility=Visibility.PUBLIC)


# Activities with what their line shows (a cold profile, a feed's missing lines, the API's
# feed): SQL, as compiling the ORM's six joins cost more CPU than running them. Each item
# carries the fields its line shows; from_db takes them in the model's field order. Each field
# is a subquery by primary key, not a join: PostgreSQL took ~3 ms to plan six outer joins
# (searching their orders), 0.2 ms for these.
_ITEMS = (
    ("actor", get_user_model(), ("username",)),
    ("book", Book, ("title", "slug")),
    ("review", BookReview, ("rating", "title")),
    ("topic", DebateTopic, ("title", "slug")),
    ("post", DebatePost, ("topic_id", "content")),
    ("goal", ReadingGoal, ("year", "books")),
)
_ITEMS_SQL = """
SELECT a.id, a.actor_id, a.verb, a.visibility, a.created_at, a.book_id, a.review_id, a.topic_id, a.post_id,
  a.goal_id, a.percent, {items} FROM {activity} a WHERE {where}
"""


def _item_rows(where: str, params: list, items=_ITEMS) -> list[Activity]:
    """Activities matching `where` (SQL over `a`, may end in ORDER BY / LIMIT) with their items
    (those of `items`: the first is the actor)."""
    columns = ", ".join(
        f"(SELECT {field} FROM {model._meta.db_table} WHERE id = a.{name}_id) AS {name}__{field}"
        for name, model, fields in items
        for field in fields
    )
    sql = _ITEMS_SQL.format(items=columns, activity=Activity._meta.db_table, where=where)
    rows = list(Activity.objects.raw(sql, params))
    for row in rows:
        for name, model, fields in items:
            values = [row.__dict__.pop(f"{name}__{field}") for field in fields]
            item_id = getattr(row, f"{name}_id")
            setattr(row, name, model.from_db(row._state.db, ["id", *fields], [item_id, *values]) if item_id else None)
    return rows


def _with_items(
    activity_ids: list[int], *, public: bool = False, items=_ITEMS, newest_first: bool = False
) -> list[Activity]:
    """These activities (the public ones only if `public`; newest first if asked) with their
    items (those of `items`)."""
    if not activity_ids:
        return []
    where, params = f"a.id IN ({placeholders(activity_ids)})", list(activity_ids)
    if public:
        where, params = f"{where} AND a.visibility = %s", [*params, Visibility.PUBLIC.value]
    if newest_first:
        where = f"{where} ORDER BY a.created_at DESC, a.id DESC"
    return _item_rows(where, params, items)


def _listed(activity_ids: list[int]) -> list[Activity]:
    """These activities, the public ones, newest first, with only what a page's grouping needs:
    their actor's name (their lines come from the cache). For a feed's 40 rows the ORM's query
    with its join cost about 3.4 ms of CPU, this one 2.7."""
    return _with_items(activity_ids, public=True, items=_ITEMS[:1], newest_first=True)


def _actor_rows(owner_id: int, *, public: bool, cursor: tuple[int, int] | None, limit: int) -> list[Activity]:
    """The actor's activities (public ones only if `public`) older than the cursor's bound, newest first."""
    where, params = "a.actor_id = %s", [owner_id]
    if public:
        where, params = f"{where} AND a.visibility = %s", [*params, Visibility.PUBLIC.value]
    if cursor is not None:
        where, params = f"{where} AND a.created_at < %s", [*params, _cursor_bound(cursor)]
    return _item_rows(f"{where} ORDER BY a.created_at DESC, a.id DESC LIMIT %s", [*params, limit])


def actor_activities(
    *, owner: AbstractBaseUser, viewer: AbstractBaseUser, cursor: tuple[int, int] | None = None, size: int = PAGE_SIZE
) -> tuple[list[Activity], str | None]:
    """A reader's activities as `viewer` may see them, newest first, and the next page's cursor:
    every one to their owner, the public ones to others (callers check `relationship(...).can_see`
    first)."""
    own = viewer.is_authenticated and viewer.pk == owner.pk
    if cursor is None:
        rows = _actor_rows(owner.pk, public=not own, cursor=None, limit=size + 1)
    else:  # a few spare rows: activities sharing the cursor's microsecond are cut here
        rows = _actor_rows(owner.pk, public=not own, cursor=cursor, limit=size + 1 + CURSOR_SLACK)
        rows = [row for row in rows if (feeds.score_of(row.created_at), row.pk) < cursor]
    page = rows[:size]
    return page, (cursor_of(page[-1]) if len(rows) > size else None)


# --- Home feed ------------------------------------------------------------------------------

# Verbs grouped per reader and day on a feed page ("leitorX terminou de ler 3 livros").
GROUPED_VERBS = {Verb.STARTED, Verb.FINISHED, Verb.ABANDONED, Verb.PROGRESS, Verb.RATED, Verb.REVIEWED, Verb.POST}


GROUP_SUMMARIES = {
    Verb.STARTED: lambda n: ngettext("começou a ler %(count)d livro", "começou a ler %(count)d livros", n),
    Verb.FINISHED: lambda n: ngettext("terminou de ler %(count)d livro", "terminou de ler %(count)d livros", n),
    Verb.ABANDONED: lambda n: ngettext("abandonou %(count)d livro", "abandonou %(count)d livros", n),
    Verb.PROGRESS: lambda n: ngettext("avançou em %(count)d livro", "avançou em %(count)d livros", n),
    Verb.RATED: lambda n: ngettext("avaliou %(count)d livro", "avaliou %(count)d livros", n),
    Verb.REVIEWED: lambda n: ngettext("resenhou %(count)d livro", "resenhou %(count)d livros", n),
    Verb.POST: lambda n: ngettext("comentou em %(count)d debate", "comentou em %(count)d debates", n),
}


@dataclass
class ActivityGroup:
    actor: AbstractBaseUser
    verb: str
    items: list[Activity] = field(default_factory=list)
    is_new: bool = False
    actor_url: str = ""

    @property
    def first(self) -> Activity:
        return self.items[0]

    @property
    def verb_label(self) -> str:
        return choice_label(Verb, self.verb)

    @property
    def summary(self) -> str:
        """ "terminou de ler 3 livros": the line of a group of several activities."""
        count = len(self.items)
        return GROUP_SUMMARIES[self.verb](count) % {"count": count}

    @property
    def when(self) -> str:
        """When its newest item happened, "há 2 horas" in a `<time>` (UTC in its attribute)."""
        at = self.first.created_at
        ago = _ago(get_language()) % {"when": time_since(at)}
        return mark_safe(f'<time datetime="{at.isoformat()}">{escape(ago)}</time>')


@functools.lru_cache(maxsize=8)
def _ago(language: str | None) -> str:
    """ "há %(when)s", translated once per language, as every group repeats it (core.i18n)."""
    return _("há %(when)s")


@dataclass
class FeedPage:
    groups: list[ActivityGroup]
    next_cursor: str | None = None
    new_count: int = 0
    activities: list[Activity] = field(default_factory=list)
    seen: int | None = None  # the reader's "seen" mark, on the first page


_FOLLOWING_SQL = """
SELECT f.followee_id FROM {follow} f WHERE f.follower_id = %s AND f.status = %s
  AND NOT EXISTS (SELECT 1 FROM {mute} m WHERE m.muter_id = %s AND m.muted_id = f.followee_id)
"""


def _following(reader_id: int) -> RawSQL:
    """Ids of the readers whose activities fill this reader's feed (muted ones left out), as
    SQL to filter with: building the ORM's nested subqueries took a third of the CPU of a
    feed's rebuild."""
    sql = _FOLLOWING_SQL.format(follow=Follow._meta.db_table, mute=Mute._meta.db_table)
    return RawSQL(sql, [reader_id, Status.ACCEPTED.value, reader_id])


def _pull(
    *, reader_id: int, cursor: tuple[int, int] | None, limit: int, actor_ids: list[int] | None = None
) -> list[tuple[int, int]]:
    """Feed entries (id, score) straight from the database: the rebuild of a missing feed,
    the read-merge of big accounts (`actor_ids`), and the whole feed without Redis."""
    if actor_ids is None:
        actors = Q(actor_id__in=_following(reader_id)) | Q(actor_id=reader_id)
    else:
        actors = Q(actor_id__in=actor_ids)
    rows = _older_than(public_activities().filter(actors), cursor).order_by("-created_at", "-id")
    return _scored(rows, limit)


def _scored(rows: QuerySet, limit: int) -> list[tuple[int, int]]:
    """(id, score) of the first `limit` activities. PostgreSQL gives each time as epoch seconds:
    a rebuilt feed is hundreds of rows, and parsing their timestamps cost more than the query."""
    if connections[rows.db].vendor == "postgresql":
        epoch = Func(F("created_at"), template="EXTRACT(EPOCH FROM %(expressions)s)::float8", output_field=FloatField())
        seconds = rows.annotate(epoch=epoch).values_list("id", "epoch")[:limit]
        return [(aid, feeds.score_of_epoch(at)) for aid, at in seconds]
    return [(aid, feeds.score_of(at)) for aid, at in rows.values_list("id", "created_at")[:limit]]


def big_account_ids() -> list[int]:
    """Readers with so many followers that they are read-merged, not fanned out."""

    def build() -> list[int]:
        big = SocialSettings.objects.filter(followers_count__gte=settings.SOCIAL_FANOUT_MAX_FOLLOWERS)
        return list(big.values_list("user_id", flat=True))

    return cached(social_cache.big_accounts_key(), build, timeout=social_cache.BIG_FOLLOWED_TIMEOUT)


def big_followed_ids(reader_id: int) -> list[int]:
    """The read-merged accounts this reader follows: no query, nothing cached per reader, on a
    site that has none (the namespace of both lists moves when a reader crosses the line)."""
    big = big_account_ids()
    if not big:
        return []

    def build() -> list[int]:
        followed = get_user_model().objects.filter(pk__in=big).filter(pk__in=_following(reader_id))
        return list(followed.values_list("pk", flat=True))

    return cached(social_cache.big_followed_key(reader_id), build, timeout=social_cache.BIG_FOLLOWED_TIMEOUT)


def _feed_entries(reader_id: int, cursor: tuple[int, int] | None, window: int) -> tuple[list[tuple[int, int]], bool]:
    """Up to `window` entries older than the cursor, and whether they came from Redis."""
    asked = window + CURSOR_SLACK
    read = feeds.feed_read(reader_id, max_score=cursor[0] if cursor else "+inf", count=asked)
    if read is None:  # no Redis, or Redis down: the database serves the whole feed
        return _before(_pull(reader_id=reader_id, cursor=cursor, limit=asked), cursor)[:window], False
    if not read.exists:  # never built, expired or lost: rebuild it from the database
        built = _pull(reader_id=reader_id, cursor=None, limit=settings.SOCIAL_FEED_LENGTH)
        feeds.feed_store(reader_id, built)
        truncated = len(built) >= settings.SOCIAL_FEED_LENGTH
        read = feeds.FeedRead(exists=True, rows=_before(built, cursor)[:asked], truncated=truncated)
    entries = _before(read.rows, cursor)
    if read.truncated and len(read.rows) < asked:  # past the oldest entry Redis keeps
        oldest = (entries[-1][1], entries[-1][0]) if entries else cursor
        entries += _before(_pull(reader_id=reader_id, cursor=oldest, limit=asked), oldest)
    big = big_followed_ids(reader_id)
    if big:
        entries += _pull(reader_id=reader_id, cursor=cursor, limit=asked, actor_ids=big)
    return _before(entries, cursor)[:window], True


def _seen_mark(reader_id: int) -> int | None:
    return cache.get(social_cache.seen_key(reader_id))


def feed_mark_seen(reader_id: int, page: FeedPage) -> None:
    """The reader looked at the top of their feed (`page`): later activities count as
    "novidades". Set on their first look; moved only when news were shown, which renders their
    cached feed copies again (without the badges)."""
    if page.seen is None or page.new_count:
        cache.set(social_cache.seen_key(reader_id), feeds.score_of(timezone.now()), timeout=None)
    if page.new_count:
        social_cache.flush_feeds(reader_id)


def home_feed(
    *, reader: AbstractBaseUser, cursor: tuple[int, int] | None = None, size: int = PAGE_SIZE, detail: bool = True
) -> FeedPage:
    """One page of the reader's feed: the public activities of whom they follow (and their own).
    `detail=False` (HTML pages) loads the rows bare: their lines come from the cache."""
    window = size * 2
    entries, from_redis = _feed_entries(reader.pk, cursor, window)
    ids = [aid for aid, _ in entries]
    rows = _with_items(ids, public=True) if detail else _listed(ids)
    found = {row.pk: row for row in rows}
    shown, stale, examined = [], [], 0
    for activity_id, _score in entries:
        examined += 1
        activity = found.get(activity_id)
        if activity is None:
            stale.append(activity_id)  # deleted, hidden or made private since the fan-out
            continue
        shown.append(activity)
        if len(shown) == size:
            break
    if stale and from_redis:
        feeds.feed_remove([reader.pk], stale)
    next_cursor = None
    if examined < len(entries) or len(entries) >= window:
        last_id, last_score = entries[examined - 1]
        next_cursor = f"{last_score}.{last_id}"
    seen = _seen_mark(reader.pk) if cursor is None else None
    page = FeedPage(groups=group_activities(shown, seen=seen), next_cursor=next_cursor, activities=shown, seen=seen)
    if seen is not None:
        page.new_count = sum(1 for _aid, score in entries if score > seen)
    return page


def group_activities(activities: list[Activity], *, seen: int | None = None) -> list[ActivityGroup]:
    """Same reader, same verb, same day: one group, placed where its newest item is."""
    attach_lines(activities)
    groups: list[ActivityGroup] = []
    open_groups: dict[tuple, ActivityGroup] = {}
    actor_urls: dict[int, str] = {}
    for activity in activities:
        key = None
        if activity.verb in GROUPED_VERBS:
            key = (activity.actor_id, activity.verb, timezone.localdate(activity.created_at))
        group = open_groups.get(key) if key else None
        if group is None:
            if activity.actor_id not in actor_urls:  # one reverse per reader, not per group
                actor_urls[activity.actor_id] = reverse(
                    "accounts:profile", kwargs={"username": activity.actor.username}
                )
            group = ActivityGroup(actor=activity.actor, verb=activity.verb, actor_url=actor_urls[activity.actor_id])
            groups.append(group)
            if key:
                open_groups[key] = group
        group.items.append(activity)
        if seen is not None and feeds.score_of(activity.created_at) > seen:
            group.is_new = True
    return groups


def following_count(reader: AbstractBaseUser) -> int:
    """How many readers `reader` follows (no row: none), in SQL: read on every rendering of
    their dashboard's feed, where the ORM's query cost 0.5 ms of CPU and this one 0.1."""
    rows = read_rows(SocialSettings, "SELECT following_count FROM {table} WHERE user_id = %s", [reader.pk])
    return rows[0][0] if rows else 0


# --- Community stream and suggestions -------------------------------------------------------


def community_stream(*, viewer: AbstractBaseUser, size: int = PAGE_SIZE) -> list[ActivityGroup]:
    """ "O que a comunidade está lendo": the latest public activities of readers who do not
    restrict their activities to approved followers (ids cached a few seconds for everyone)."""

    def build() -> list[int]:
        rows = public_activities().exclude(actor__social__follow_policy=FollowPolicy.APPROVAL)
        return list(rows.order_by("-created_at", "-id").values_list("id", flat=True)[: size * 2])

    ids = cached(social_cache.community_key(), build, timeout=social_cache.COMMUNITY_TIMEOUT)
    blocked = blocked_ids(viewer.pk) if viewer.is_authenticated else set()
    rows = _listed(ids)
    return group_activities([row for row in rows if row.actor_id not in blocked][:size])


# Follow suggestions: SQL, as compiling their six ORM queries cost more CPU than running them
# (a reader's first dashboard). The reader's books and topics go in as values, not subqueries:
# the planner then sees how few rows they match and reads them by index (a subquery of topics
# made it scan every post); a reader without any skips the query.
_SUGGEST_BOOKS_SQL = "SELECT book_id FROM {table} WHERE user_id = %s ORDER BY added_at DESC LIMIT 50"
_SUGGEST_SHELVERS_SQL = """
SELECT user_id, COUNT(DISTINCT book_id) AS n FROM {table} WHERE book_id IN ({ids}) AND user_id <> %s
GROUP BY user_id ORDER BY n DESC LIMIT 50
"""
_SUGGEST_TOPICS_SQL = "SELECT topic_id FROM {table} WHERE author_id = %s ORDER BY created_at DESC LIMIT 50"
_SUGGEST_DEBATERS_SQL = """
SELECT author_id, COUNT(DISTINCT topic_id) AS n FROM {table}
WHERE topic_id IN ({ids}) AND is_deleted = %s AND author_id <> %s GROUP BY author_id ORDER BY n DESC LIMIT 50
"""
_SUGGEST_POPULAR_SQL = "SELECT user_id FROM {table} WHERE followers_count > 0 ORDER BY followers_count DESC LIMIT %s"
# Who is already followed (or asked), blocked either way, or accepts nobody is left out in the
# same query as the names: a hundred-odd candidates at most.
_SUGGEST_NAMES_SQL = """
SELECT u.id, u.username FROM {table} u LEFT JOIN {settings} s ON s.user_id = u.id
WHERE u.id IN ({ids}) AND u.is_active = %s AND u.id <> %s AND (s.follow_policy IS NULL OR s.follow_policy <> %s)
  AND u.id NOT IN (SELECT followee_id FROM {follow} WHERE follower_id = %s)
  AND u.id NOT IN (SELECT blocked_id FROM {block} WHERE blocker_id = %s)
  AND u.id NOT IN (SELECT blocker_id FROM {block} WHERE blocked_id = %s)
"""


def follow_suggestions(*, reader: AbstractBaseUser, limit: int = SUGGESTIONS) -> list[dict]:
    """Readers to follow: shared books (shelves) and shared debates first, then the most
    followed; never someone already followed, blocked, or who accepts nobody. Cached an hour
    per reader (and dropped when the reader's follows change)."""

    def shared(model, mine_sql: str, shared_sql: str, *extra) -> dict[int, int]:
        mine = [pk for (pk,) in read_rows(model, mine_sql, [reader.pk])]
        if not mine:
            return {}
        return dict(read_rows(model, shared_sql, [*mine, *extra, reader.pk], ids=placeholders(mine)))

    def build() -> list[dict]:
        shared_books = shared(BookShelf, _SUGGEST_BOOKS_SQL, _SUGGEST_SHELVERS_SQL)
        shared_debates = shared(DebatePost, _SUGGEST_TOPICS_SQL, _SUGGEST_DEBATERS_SQL, False)
        score = {
            uid: shared_books.get(uid, 0) + 2 * shared_debates.get(uid, 0) for uid in {*shared_books, *shared_debates}
        }
        popular = read_rows(SocialSettings, _SUGGEST_POPULAR_SQL, [limit * 4])
        for rank, (uid,) in enumerate(popular):
            score.setdefault(uid, -rank - 1)  # after every reader who shares something
        if not score:
            return []
        users = dict(
            read_rows(
                get_user_model(),
                _SUGGEST_NAMES_SQL,
                [*score, True, reader.pk, FollowPolicy.NOBODY.value, reader.pk, reader.pk, reader.pk],
                ids=placeholders(score),
                settings=SocialSettings._meta.db_table,
                follow=Follow._meta.db_table,
                block=Block._meta.db_table,
            )
        )
        return [
            {
                "id": uid,
                "username": users[uid],
                "shared_books": shared_books.get(uid, 0),
                "shared_debates": shared_debates.get(uid, 0),
            }
            for uid in sorted(users, key=lambda uid: (-score[uid], uid))[:limit]
        ]

    return cached(social_cache.suggestions_key(reader.pk), build, timeout=social_cache.SUGGESTIONS_TIMEOUT)
