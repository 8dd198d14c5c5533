"""The social part of the demo data: a follow graph and the activities of what was seeded.

The graph is shaped like real reading sites: who follows is anyone, who is followed is
drawn by the readers' Pareto popularity (a few readers have many followers, most have a
handful), about a third of follows are returned, some readers approve their followers
(a share of requests still pending) and a few accept nobody. Activities are derived from
the seeded rows (bulk writes send no signals), with their items' visibility and dates.
"""

import random
from collections import Counter

from accounts.models import BookReview, BookShelf, ReadingProgress
from core.privacy import Visibility
from debates.models import DebatePost, DebateTopic
from social.models import Activity, Follow, FollowPolicy, SocialSettings

Shelf = BookShelf.ShelfType
Verb = Activity.Verb
FOLLOW_BACK_SHARE = 0.3
APPROVAL_SHARE = 0.05
NOBODY_SHARE = 0.02
PENDING_SHARE = 0.3  # of the follows asked to readers who approve them
SHELF_VERBS = {Shelf.READING: Verb.STARTED, Shelf.READ: Verb.FINISHED, Shelf.ABANDONED: Verb.ABANDONED}
MILESTONES = (75, 50, 25)
TRIES = 10


def build_follows(rng: random.Random, user_ids: list[int], pick_popular, count: int):
    """(follows, settings) for `count` follows among `user_ids`; `pick_popular()` draws a followee."""
    policies = {}
    for uid in user_ids:
        draw = rng.random()
        policies[uid] = (
            FollowPolicy.NOBODY
            if draw < NOBODY_SHARE
            else FollowPolicy.APPROVAL
            if draw < NOBODY_SHARE + APPROVAL_SHARE
            else FollowPolicy.ANYONE
        )
    pairs: dict[tuple[int, int], str] = {}

    def add(follower: int, followee: int) -> bool:
        if follower == followee or (follower, followee) in pairs or policies[followee] == FollowPolicy.NOBODY:
            return False
        pending = policies[followee] == FollowPolicy.APPROVAL and rng.random() < PENDING_SHARE
        pairs[(follower, followee)] = Follow.Status.PENDING if pending else Follow.Status.ACCEPTED
        return True

    while len(pairs) < count:
        for attempt in range(TRIES):
            # Popular readers first; when they are taken, anyone (the graph's long tail).
            followee = pick_popular() if attempt < TRIES // 2 else rng.choice(user_ids)
            follower = rng.choice(user_ids)
            if add(follower, followee):
                if len(pairs) < count and rng.random() < FOLLOW_BACK_SHARE:
                    add(followee, follower)
                break
        else:
            break  # the graph is as dense as it gets
    followers, following = Counter(), Counter()
    for (follower, followee), status in pairs.items():
        if status == Follow.Status.ACCEPTED:
            followers[followee] += 1
            following[follower] += 1
    follows = [Follow(follower_id=a, followee_id=b, status=status) for (a, b), status in pairs.items()]
    settings = [
        SocialSettings(
            user_id=uid, follow_policy=policies[uid], followers_count=followers[uid], following_count=following[uid]
        )
        for uid in user_ids
    ]
    return follows, settings


def build_activities(
    *,
    shelves: list[BookShelf],
    progress: list[ReadingProgress],
    reviews: list[BookReview],
    topics: list[DebateTopic],
    posts: list[DebatePost],
) -> list[Activity]:
    """What the signal receivers would have recorded for these rows (all on public items)."""
    activities = [
        Activity(
            actor_id=s.user_id,
            verb=SHELF_VERBS[s.shelf_type],
            book_id=s.book_id,
            shelf_entry_id=s.pk,
            visibility=Visibility.PUBLIC,
            created_at=s.added_at,
        )
        for s in shelves
        if s.shelf_type in SHELF_VERBS
    ]
    for p in progress:
        mark = next((m for m in MILESTONES if p.current_page * 100 >= m * p.total_pages), None)
        if mark:
            activities.append(
                Activity(
                    actor_id=p.user_id,
                    verb=Verb.PROGRESS,
                    book_id=p.book_id,
                    progress_id=p.pk,
                    percent=mark,
                    visibility=Visibility.PUBLIC,
                    created_at=p.updated_at,
                )
            )
    activities += [
        Activity(
            actor_id=r.user_id,
            verb=Verb.REVIEWED if (r.text or r.title) else Verb.RATED,
            book_id=r.book_id,
            review_id=r.pk,
            visibility=r.visibility,
            created_at=r.created_at,
        )
        for r in reviews
    ]
    activities += [
        Activity(
            actor_id=t.creator_id,
            verb=Verb.TOPIC,
            book_id=t.book_id,
            topic_id=t.pk,
            visibility=Visibility.PUBLIC,
            created_at=t.created_at,
        )
        for t in topics
    ]
    opening = {t.pk: t.creator_id for t in topics}
    seen_topics = set()
    for post in sorted(posts, key=lambda p: p.created_at):
        first = post.topic_id not in seen_topics
        seen_topics.add(post.topic_id)
        if first and post.parent_id is None and post.author_id == opening.get(post.topic_id):
            continue  # the topic's opening post is told by "abriu um debate"
        activities.append(
            Activity(
                actor_id=post.author_id,
                verb=Verb.POST,
                book_id=post.topic.book_id,
                topic_id=post.topic_id,
                post_id=post.pk,
                visibility=Visibility.PUBLIC,
                created_at=post.created_at,
            )
        )
    return activities
