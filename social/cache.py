"""Cache and Redis keys of the social app, built in one place.

Every key goes through the cache's `make_key`, so it carries CACHE_KEY_PREFIX like the
rest of the cache (and a test run's cleanup of its own prefix removes feeds too).
"""

from django.core.cache import cache

from core.cache import bump_namespace, bump_namespaces, delete_on_commit, read_versions, versioned_key

SUGGESTIONS_TIMEOUT = 60 * 60
COMMUNITY_TIMEOUT = 30
BIG_FOLLOWED_TIMEOUT = 60 * 60
# Bumped when a reader crosses SOCIAL_FANOUT_MAX_FOLLOWERS (either way): every reader's list
# of read-merged accounts is recomputed.
BIG_ACCOUNTS_NAMESPACE = "social:big"
# Each activity's rendered line ("Dom Casmurro 4★ — “Releitura”"): dropped when its item
# changes; the namespace is bumped when a book or a debate is renamed.
LINES_NAMESPACE = "social:lines"
# Bumped when a read-merged account (SOCIAL_FANOUT_MAX_FOLLOWERS followers or more) gains or
# loses an activity: nothing is pushed to its followers' feeds, which read it when loaded, so
# every reader's cached feed is rendered again.
READ_MERGED_NAMESPACE = "social:read-merged"
LINE_TIMEOUT = 24 * 60 * 60


def feed_namespace(user_id: int) -> str:
    """Bumped when the reader's feed changes under them (a push, a retraction): their cached
    feed panel and feed page (core.personal) are rendered again."""
    return f"social:feed:{user_id}"


def relations_namespace(user_id: int) -> str:
    """Bumped when the reader's follows, blocks or mutes change, whoever made the change."""
    return f"social:relations:{user_id}"


RELATION_TIMEOUT = 30 * 60


def relation_key(viewer_id: int, owner_id: int) -> str:
    """What a reader is to a reader they are related to (social.selectors.cached_relation):
    stale once either's relations namespace is bumped."""
    versions = read_versions((relations_namespace(viewer_id), relations_namespace(owner_id)))
    return "social:relation:{}:{}:v{}:v{}".format(viewer_id, owner_id, *versions)


def feed_fragment_namespaces(user_id: int) -> tuple[str, ...]:
    """What the reader's cached feed (panel and page) depends on, besides their own writes."""
    return (feed_namespace(user_id), relations_namespace(user_id), LINES_NAMESPACE, READ_MERGED_NAMESPACE)


def feed_key(user_id: int) -> str:
    """The reader's feed: a sorted set of activity ids scored by time (raw Redis key)."""
    return cache.make_key(f"social:feed:{user_id}")


def seen_key(user_id: int) -> str:
    """When the reader last looked at their feed (the "novidades" mark)."""
    return f"social:seen:{user_id}"


def big_accounts_key() -> str:
    """Every read-merged account (most sites have none): a reader's own list is asked for
    only when there are some."""
    return versioned_key(BIG_ACCOUNTS_NAMESPACE, "all")


def big_followed_key(user_id: int) -> str:
    """Accounts this reader follows that are read-merged instead of fanned out."""
    return versioned_key(BIG_ACCOUNTS_NAMESPACE, user_id)


def line_keys(activity_ids) -> dict[int, str]:
    """Each activity's line key (the namespace's version read once for all)."""
    prefix = versioned_key(LINES_NAMESPACE, "")
    return {activity_id: f"{prefix}{activity_id}" for activity_id in activity_ids}


def suggestions_key(user_id: int) -> str:
    return f"social:suggest:{user_id}"


def community_key() -> str:
    return "social:community"


def flush_relations(*user_ids: int) -> None:
    """A follow, block or mute changed for these readers."""
    keys = [key for uid in user_ids for key in (big_followed_key(uid), suggestions_key(uid))]
    delete_on_commit(*keys)
    bump_namespaces(*(relations_namespace(uid) for uid in user_ids))


def flush_relations_of(user_id: int) -> None:
    """Their followers or their follow policy changed: their stored profile (its counts) and
    what related readers cached of them (`selectors.cached_relation`) are read again; unlike
    `flush_relations`, their own lists (big accounts followed, suggestions) stay."""
    bump_namespaces(relations_namespace(user_id))


def flush_feeds(*user_ids: int) -> None:
    """These readers' feeds gained or lost activities (after the Redis write)."""
    bump_namespaces(*(feed_namespace(uid) for uid in user_ids))


def flush_read_merged() -> None:
    bump_namespace(READ_MERGED_NAMESPACE)


def flush_big_accounts() -> None:
    bump_namespace(BIG_ACCOUNTS_NAMESPACE)


def flush_community() -> None:
    delete_on_commit(community_key())


def flush_lines(*activity_ids: int) -> None:
    """These activities' items changed (a review edited, a goal raised)."""
    if activity_ids:
        delete_on_commit(*line_keys(activity_ids).values())


def flush_all_lines() -> None:
    """A book or a debate was renamed: every line may show the old title."""
    bump_namespace(LINES_NAMESPACE)
