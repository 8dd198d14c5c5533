"""The few reads the API needs that no page has: a reader's readings, authors, post threads.

Everything else comes from the apps' own selectors.
"""

from django.db.models import QuerySet
from rest_framework.authtoken.models import Token

from accounts.models import ReadingProgress
from catalog.models import Author
from debates.models import DebatePost, DebateTopic

_POST_FIELDS = (
    "parent",
    "author__username",
    "content",
    "created_at",
    "edited_at",
    "is_deleted",
    "is_hidden",
    "hidden_reason",
    "votes_score",
)


def author_list(*, q: str = "") -> QuerySet[Author]:
    authors = Author.objects.order_by("name", "id")
    return authors.filter(name__icontains=q) if q else authors


def progress_list(*, user) -> QuerySet[ReadingProgress]:
    return ReadingProgress.objects.filter(user=user).select_related("book").order_by("-updated_at", "-id")


def token_for(*, user) -> Token | None:
    return Token.objects.filter(user=user).only("created").first()


def topic_roots(*, topic: DebateTopic) -> QuerySet[DebatePost]:
    """Top-level posts of a topic (served by debates_post_topic_created_idx)."""
    return DebatePost.objects.filter(topic=topic, parent__isnull=True).select_related("author").only(*_POST_FIELDS)


def post_row(post: DebatePost, depth: int = 0) -> dict:
    return {
        "id": post.pk,
        "parent_id": post.parent_id,
        "author_username": post.author.username,
        # A deleted or hidden post keeps its place in the thread, never its text.
        "content": "" if post.is_deleted or post.is_hidden else post.content,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "is_deleted": post.is_deleted,
        "is_hidden": post.is_hidden,
        "hidden_reason": post.hidden_reason if post.is_hidden else "",
        "votes_score": post.votes_score,
        "depth": depth,
    }


def threads(*, roots: list[DebatePost]) -> list[dict]:
    """Each root with its replies at any depth, in conversation order, in one query."""
    rows = [{**post_row(root), "replies": []} for root in roots]
    if not rows:
        return rows
    replies = (
        DebatePost.objects.filter(root_id__in=[row["id"] for row in rows])
        .select_related("author")
        .only(*_POST_FIELDS)
        .order_by("created_at", "id")
    )
    children: dict[int, list[DebatePost]] = {}
    for reply in replies:
        children.setdefault(reply.parent_id, []).append(reply)
    for row in rows:
        # Depth-first, so each reply follows the post it answers.
        stack = [(child, 1) for child in reversed(children.get(row["id"], []))]
        while stack:
            post, depth = stack.pop()
            row["replies"].append(post_row(post, depth))
            stack.extend((child, depth + 1) for child in reversed(children.get(post.pk, [])))
    return rows
