"""Reads of the debates app, shaped for the pages: a fixed number of queries each.

List pages and post trees are cached as plain data (dataclasses), never as querysets,
so a warm page costs no query for them; the viewer's own votes are always read fresh.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.shortcuts import get_object_or_404

from core.cache import cached
from debates import cache as debates_cache
from debates.models import DebatePost, DebateTopic, DebateVote

# Replies deeper than this render at this indent (the thread order still shows who answers whom).
MAX_INDENT = 4


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
    depth: int = 0
    children: list["PostNode"] = field(default_factory=list)

    @property
    def indent(self) -> int:
        return min(self.depth, MAX_INDENT)


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


def _topic_list_queryset():
    return (
        DebateTopic.objects.select_related("book", "creator")
        .only(*_LIST_FIELDS)
        .order_by("-is_pinned", "-last_activity_at")
    )


def _build_topic_list_page(page_number: int, book_slug: str | None) -> TopicListPage | None:
    queryset = _topic_list_queryset()
    if book_slug:
        queryset = queryset.filter(book__slug=book_slug)
    paginator = Paginator(queryset, settings.DEBATES_PAGE_SIZE)
    try:
        page = paginator.page(page_number)
    except InvalidPage:
        return None
    return TopicListPage(
        rows=[_topic_row(topic) for topic in page.object_list],
        number=page.number,
        num_pages=paginator.num_pages,
        count=paginator.count,
    )


def topic_list_page(*, page_number: int = 1, book_slug: str | None = None) -> TopicListPage | None:
    """One page of the debates list (pinned first, then most recently active); None past the end."""
    return cached(
        debates_cache.topic_list_cache_key(page_number, book_slug),
        lambda: _build_topic_list_page(page_number, book_slug),
        timeout=debates_cache.LIST_TIMEOUT,
    )


def topic_rows_for_book(*, book_id: int, limit: int = 5) -> list[TopicRow]:
    """The most recently active debates about one book (uncached; the panel caches its HTML)."""
    queryset = _topic_list_queryset().filter(book_id=book_id).order_by("-last_activity_at")
    return [_topic_row(topic) for topic in queryset[:limit]]


def topic_for_page(*, slug: str) -> DebateTopic:
    """The topic with its book and creator, in one query; 404 for an unknown slug."""
    topics = DebateTopic.objects.select_related("book", "creator").only(*_DETAIL_FIELDS)
    return get_object_or_404(topics, slug=slug)


def _post_node(post: DebatePost) -> PostNode:
    return PostNode(
        id=post.pk,
        parent_id=post.parent_id,
        author_id=post.author_id,
        author_username=post.author.username,
        content="" if post.is_deleted else post.content,
        created_at=post.created_at,
        edited_at=post.edited_at,
        is_deleted=post.is_deleted,
        votes_score=post.votes_score,
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


def _build_post_page(topic_id: int, page_number: int) -> PostPage | None:
    posts = DebatePost.objects.select_related("author").only(*_POST_FIELDS).order_by("created_at", "id")
    paginator = Paginator(posts.filter(topic_id=topic_id, parent__isnull=True), settings.POSTS_PAGE_SIZE)
    try:
        page = paginator.page(page_number)
    except InvalidPage:
        return None
    roots = [_post_node(post) for post in page.object_list]
    by_id = {node.id: node for node in roots}
    if roots:
        # Every reply of these threads, at any depth, in one query (they share a root).
        for post in posts.filter(root_id__in=list(by_id)):
            node = by_id[post.pk] = _post_node(post)
            by_id[node.parent_id].children.append(node)
    return PostPage(nodes=_flatten(roots), number=page.number, num_pages=paginator.num_pages, count=paginator.count)


def topic_post_page(*, topic_id: int, page_number: int = 1) -> PostPage | None:
    """One page of threads of a topic (paginated by top-level posts); None past the end."""
    return cached(
        debates_cache.topic_posts_cache_key(topic_id, page_number),
        lambda: _build_post_page(topic_id, page_number),
        timeout=debates_cache.TOPIC_TIMEOUT,
    )


def user_votes(*, user, post_ids: list[int]) -> dict[int, int]:
    """The viewer's votes on these posts, post id → +1/-1, in one query."""
    if not user.is_authenticated or not post_ids:
        return {}
    return dict(DebateVote.objects.filter(user=user, post_id__in=post_ids).values_list("post_id", "value"))


def post_for_write(*, pk: int) -> DebatePost:
    """A post with its topic (lock state, slug) for the write views; 404 when unknown."""
    return get_object_or_404(DebatePost.objects.select_related("topic"), pk=pk)


def post_page_number(*, post: DebatePost) -> int:
    """The page of the topic on which this post's thread is shown."""
    root_id = post.root_id or post.pk
    before = DebatePost.objects.filter(topic_id=post.topic_id, parent__isnull=True, id__lt=root_id).count()
    return before // settings.POSTS_PAGE_SIZE + 1
