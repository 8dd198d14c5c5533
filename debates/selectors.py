"""Reads of the debates app, shaped for the pages: a fixed number of queries each.

List pages and post trees are cached as plain data (dataclasses), never as querysets,
so a warm page costs no query for them; the viewer's own votes are always read fresh.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cache import cached
from core.db import read_rows
from core.fragments import instant
from core.pagination import PAGE_PARAM, clamped_page, paginate
from core.personal import at_most
from debates import cache as debates_cache
from debates.models import DebatePost, DebateTopic, DebateVote, PostEdit, TopicRead

# Replies deeper than this render at this indent (the thread order still shows who answers whom).
MAX_INDENT = 4

# ?ordem= values → (label, ORDER BY). The first is the default; an unknown value falls back
# to it. Each order has its index (see the models' Meta).
TOPIC_SORTS = {
    "ativos": (_("Ativos"), ("-is_pinned", "-last_activity_at")),  # debates_topic_list_idx
    "em-alta": (_("Em alta"), ("-is_pinned", "-hot_score")),  # debates_topic_hot_idx
    "novos": (_("Novos"), ("-is_pinned", "-created_at")),  # debates_topic_new_idx
}
# Threads (top-level posts); replies always stay under their parent, oldest first.
POST_SORTS = {
    "cronologica": (_("Em ordem"), ("created_at", "id")),  # debates_post_topic_created_idx
    "votados": (_("Mais votados"), ("-wilson_score", "created_at", "id")),  # debates_post_topic_top_idx
    "recentes": (_("Recentes"), ("-created_at", "-id")),  # debates_post_topic_created_idx, backwards
}


def clean_sort(value: str | None, sorts: dict) -> str:
    return value if value in sorts else next(iter(sorts))


@dataclass(frozen=True)
class TopicRow:
    id: int
    slug: str
    title: str
    book_title: str
    book_slug: str
    creator_username: str
    is_pinned: bool
    is_locked: bool
    posts_count: int
    views_count: int
    last_activity_at: datetime

    @property
    def last_activity_instant(self) -> int:
        return instant(self.last_activity_at)


@dataclass(frozen=True)
class TopicListPage:
    rows: list[TopicRow]
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


@dataclass
class PostNode:
    id: int
    parent_id: int | None
    author_id: int
    author_username: str
    content: str  # empty for a deleted post: its text never reaches the page or the cache
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    votes_score: int
    is_hidden: bool = False
    hidden_reason: str = ""
    depth: int = 0
    children: list["PostNode"] = field(default_factory=list)

    @property
    def indent(self) -> int:
        return min(self.depth, MAX_INDENT)

    @property
    def created_instant(self) -> int:
        return instant(self.created_at)


@dataclass(frozen=True)
class PostPage:
    nodes: list[PostNode]  # threads in order, each root followed by its replies (depth-first)
    number: int
    num_pages: int
    count: int  # top-level posts

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    def threads(self) -> list[tuple[PostNode, list[PostNode]]]:
        """Each root with its replies at any depth, in conversation order (the API's shape)."""
        threads: list[tuple[PostNode, list[PostNode]]] = []
        for node in self.nodes:
            if node.depth == 0:
                threads.append((node, []))
            else:
                threads[-1][1].append(node)
        return threads


_LIST_FIELDS = (
    "slug",
    "title",
    "is_pinned",
    "is_locked",
    "posts_count",
    "views_count",
    "last_activity_at",
    "book__title",
    "book__slug",
    "creator__username",
)
_DETAIL_FIELDS = (
    "slug",
    "title",
    "description",
    "is_pinned",
    "is_locked",
    "views_count",
    "posts_count",
    "last_activity_at",
    "created_at",
    "book__title",
    "book__slug",
    "book__author_names",
    "creator__username",
)
_POST_FIELDS = (
    "parent",
    "author__username",
    "content",
    "created_at",
    "edited_at",
    "is_deleted",
    "votes_score",
    "is_hidden",
    "hidden_reason",
)


def _topic_row(topic: DebateTopic) -> TopicRow:
    return TopicRow(
        id=topic.pk,
        slug=topic.slug,
        title=topic.title,
        book_title=topic.book.title,
        book_slug=topic.book.slug,
        creator_username=topic.creator.username,
        is_pinned=topic.is_pinned,
        is_locked=topic.is_locked,
        posts_count=topic.posts_count,
        views_count=topic.views_count,
        last_activity_at=topic.last_activity_at,
    )


def _topic_list_queryset(sort: str = "ativos"):
    return DebateTopic.objects.select_related("book", "creator").only(*_LIST_FIELDS).order_by(*TOPIC_SORTS[sort][1])


def _build_topic_list_page(page_number: int, book_slug: str | None, sort: str) -> TopicListPage:
    queryset = _topic_list_queryset(sort)
    if book_slug:
        queryset = queryset.filter(book__slug=book_slug)
    page = paginate(queryset, number=page_number, per_page=settings.DEBATES_PAGE_SIZE)
    return TopicListPage(
        rows=[_topic_row(topic) for topic in page.object_list],
        number=page.number,
        num_pages=page.paginator.num_pages,
        count=page.paginator.count,
    )


def topic_list_page(*, page_number: int = 1, book_slug: str | None = None, sort: str = "ativos") -> TopicListPage:
    """One page of the debates list (pinned first, then by `sort`); past the end, the last."""
    sort = clean_sort(sort, TOPIC_SORTS)

    def fetch(number: int) -> TopicListPage:
        return cached(
            debates_cache.topic_list_cache_key(number, book_slug, sort),
            lambda: _build_topic_list_page(number, book_slug, sort),
            timeout=debates_cache.LIST_TIMEOUT,
        )

    return clamped_page(page_number, fetch)


def unread_since(user, read_at: datetime | None = None) -> datetime | None:
    """The time after which activity is new for this reader (None for visitors).

    The later of their read mark, the cutoff (older counts as read) and when they joined.
    """
    if not user.is_authenticated:
        return None
    floor = unread_floor(user)
    return max(read_at, floor) if read_at else floor


def unread_floor(user) -> datetime:
    """What is older than this is read for a signed-in reader, whatever their read marks."""
    return max(read_cutoff(), user.date_joined)


def read_cutoff() -> datetime:
    """Activity before this time counts as read for everyone."""
    return timezone.now() - timedelta(days=settings.DEBATES_READ_CUTOFF_DAYS)


# A reader with more read marks since the cutoff than this is asked the database per page.
READ_MARKS_MAX = 2_000


def reader_read_marks(user_id: int) -> dict[int, datetime] | None:
    """The reader's read marks (topic id -> read at) since the cutoff, older ones count for
    nothing (`unread_since`); None when too many to cache (core.personal.reader_facts)."""
    marks = TopicRead.objects.filter(user_id=user_id, read_at__gte=read_cutoff()).order_by()
    rows = at_most(marks.values_list("topic_id", "read_at"), READ_MARKS_MAX)
    return None if rows is None else dict(rows)


def read_marks(*, user, topic_ids) -> dict[int, datetime]:
    """The reader's read marks of these topics, in one query."""
    return dict(TopicRead.objects.filter(user=user, topic__any_of=topic_ids).values_list("topic_id", "read_at"))


# A topic's slug never changes once it is created: each process keeps the ones it has seen.
_slugs: dict[int, str] = {}
_SLUGS_KEPT = 100_000


def forget_topic_slugs() -> None:
    """Between tests, whose databases may give a new topic an id seen before."""
    _slugs.clear()


def topic_slugs(topic_ids) -> dict[int, str]:
    """topic id -> slug of the existing topics among `topic_ids` (a query only for new ones)."""
    missing = [pk for pk in topic_ids if pk not in _slugs]
    if missing:
        if len(_slugs) > _SLUGS_KEPT:
            _slugs.clear()
        _slugs.update(DebateTopic.objects.filter(pk__in=missing).values_list("pk", "slug"))
    return {pk: _slugs[pk] for pk in topic_ids if pk in _slugs}


class BookTopicLink(NamedTuple):
    slug: str
    title: str
    posts_count: int


# Run on every cold book page: SQL, as compiling it with the ORM cost more CPU than running it
# (debates_topic_book_idx).
_BOOK_TOPICS_SQL = (
    "SELECT slug, title, posts_count FROM {table} WHERE book_id = %s ORDER BY last_activity_at DESC LIMIT %s"
)


def topic_links_for_book(*, book_id: int, limit: int = 5) -> list[BookTopicLink]:
    """The most recently active debates about one book, as the book page lists them (uncached;
    the panel caches its HTML)."""
    return [BookTopicLink(*row) for row in read_rows(DebateTopic, _BOOK_TOPICS_SQL, [book_id, limit])]


def topic_for_page(*, slug: str, reader=None) -> DebateTopic:
    """The topic with its book and creator, in one query; 404 for an unknown slug.

    With a logged-in `reader`, `reader_read_at` (their read mark or None) comes in the same query.
    """
    topics = DebateTopic.objects.select_related("book", "creator").only(*_DETAIL_FIELDS)
    if reader is not None and reader.is_authenticated:
        read_at = TopicRead.objects.filter(topic=OuterRef("pk"), user=reader).values("read_at")[:1]
        topics = topics.annotate(reader_read_at=Subquery(read_at))
    return get_object_or_404(topics, slug=slug)


def first_unread_post(*, topic_id: int, since: datetime) -> DebatePost | None:
    """The oldest visible post created after `since` (debates_post_topic_created_idx)."""
    return (
        DebatePost.objects.filter(topic_id=topic_id, created_at__gt=since, is_deleted=False)
        .only("id", "topic_id", "root_id")
        .order_by("created_at", "id")
        .first()
    )


def post_node(post: DebatePost) -> PostNode:
    """The read model of one post, as pages, the API and the cache see it."""
    return PostNode(
        id=post.pk,
        parent_id=post.parent_id,
        author_id=post.author_id,
        author_username=post.author.username,
        # The text of a deleted or hidden post never reaches the page nor the cache.
        content="" if post.is_deleted or post.is_hidden else post.content,
        created_at=post.created_at,
        edited_at=post.edited_at,
        is_deleted=post.is_deleted,
        votes_score=post.votes_score,
        is_hidden=post.is_hidden,
        hidden_reason=post.hidden_reason if post.is_hidden else "",
    )


def _flatten(roots: list[PostNode]) -> list[PostNode]:
    ordered: list[PostNode] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        ordered.append(node)
        for child in reversed(node.children):
            child.depth = node.depth + 1
            stack.append(child)
    return ordered


def _build_post_page(topic_id: int, page_number: int, sort: str) -> PostPage:
    posts = DebatePost.objects.select_related("author").only(*_POST_FIELDS).order_by("created_at", "id")
    roots_query = posts.filter(topic_id=topic_id, parent__isnull=True)
    count = roots_query.count()
    per_page = settings.POSTS_PAGE_SIZE
    num_pages = max(1, -(-count // per_page))
    number = min(max(page_number, 1), num_pages)
    bottom, top = (number - 1) * per_page, min(number * per_page, count)
    order = POST_SORTS[sort][1]
    if bottom > count - top:
        # Nearer the end than the start (the newest threads of a long topic): read backwards
        # from the end, so the database skips the rows after the page, not the ones before.
        backwards = [key[1:] if key.startswith("-") else f"-{key}" for key in order]
        page_posts = list(roots_query.order_by(*backwards)[count - top : count - bottom])[::-1]
    else:
        page_posts = list(roots_query.order_by(*order)[bottom:top])
    roots = [post_node(post) for post in page_posts]
    by_id = {node.id: node for node in roots}
    shown_under: dict[int, PostNode] = {}
    cap = max(1, settings.DEBATES_MAX_REPLY_DEPTH)
    if roots:
        # Every reply of these threads, at any depth, in one query (they share a root).
        for post in posts.filter(root_id__in=list(by_id)):
            node = by_id[post.pk] = post_node(post)
            parent = by_id[node.parent_id]
            if parent.depth >= cap:  # nested deeper than the cap (rows older than it): shown at the cap
                parent = shown_under[parent.id]
            node.depth = parent.depth + 1
            shown_under[node.id] = parent
            parent.children.append(node)
    return PostPage(nodes=_flatten(roots), number=number, num_pages=num_pages, count=count)


def topic_post_page(*, topic_id: int, page_number: int = 1, sort: str = "cronologica") -> PostPage:
    """One page of threads of a topic (paginated by top-level posts, in `sort` order); past the end, the last."""
    sort = clean_sort(sort, POST_SORTS)

    def fetch(number: int) -> PostPage:
        return cached(
            debates_cache.topic_posts_cache_key(topic_id, number, sort),
            lambda: _build_post_page(topic_id, number, sort),
            timeout=debates_cache.TOPIC_TIMEOUT,
            late=True,
        )

    return clamped_page(page_number, fetch)


# A reader with more votes than this is asked the database per page.
VOTES_MAX = 4_000
# SQL: the reader's facts are rebuilt after each of their writes, and compiling the ORM's query
# cost more CPU than running it.
_VOTES_SQL = "SELECT post_id, value FROM {table} WHERE user_id = %s LIMIT %s"


def reader_votes(user_id: int) -> dict[int, int] | None:
    """Every vote of the reader, post id -> +1/-1; None when too many to cache
    (core.personal.reader_facts)."""
    rows = at_most(read_rows(DebateVote, _VOTES_SQL, [user_id, VOTES_MAX + 1]), VOTES_MAX)
    return None if rows is None else dict(rows)


def user_votes(*, user, post_ids: list[int]) -> dict[int, int]:
    """The viewer's votes on these posts, post id → +1/-1, in one query."""
    if not user.is_authenticated or not post_ids:
        return {}
    return dict(DebateVote.objects.filter(user=user, post_id__any_of=post_ids).values_list("post_id", "value"))


def reply_parent(*, topic_id: int, parent_id: int) -> DebatePost | None:
    """The post a reply answers, only if it is in this topic (None otherwise)."""
    return DebatePost.objects.select_related("author").filter(pk=parent_id, topic_id=topic_id).first()


def post_book_id(post: DebatePost) -> int | None:
    """The book of the post's topic, from the topic when loaded (None once the topic is gone,
    as in a cascade)."""
    if DebatePost.topic.is_cached(post):
        return post.topic.book_id
    return DebateTopic.objects.filter(pk=post.topic_id).values_list("book_id", flat=True).first()


def post_for_write(*, pk: int) -> DebatePost:
    """A post with its topic (lock state, slug) for the write views; 404 when unknown."""
    return get_object_or_404(DebatePost.objects.select_related("topic"), pk=pk)


def post_url(*, post: DebatePost, topic_slug: str, page: int | None = None) -> str:
    """Where a post is shown: its topic's page that holds its thread, at its anchor."""
    page = page or post_page_number(post=post)
    query = f"?{PAGE_PARAM}={page}" if page > 1 else ""
    return f"{reverse('debates:topic_detail', kwargs={'slug': topic_slug})}{query}#post-{post.pk}"


def post_page_number(*, post: DebatePost) -> int:
    """The page of the topic on which this post's thread is shown."""
    root_id = post.root_id or post.pk
    before = DebatePost.objects.filter(topic_id=post.topic_id, parent__isnull=True, id__lt=root_id).count()
    return before // settings.POSTS_PAGE_SIZE + 1


def post_edits(*, post_id: int) -> list[PostEdit]:
    """The edit history of a post, newest first, with editors."""
    return list(
        PostEdit.objects.filter(post_id=post_id)
        .select_related("editor")
        .only("old_content", "edited_at", "editor__username")
    )
