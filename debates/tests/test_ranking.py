"""Ranking: Wilson lower bound for posts, hot rank for topics, validated sort params."""

import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import UserFactory
from debates import ranking, services
from debates.models import DebatePost, DebateTopic, DebateVote
from debates.tests.factories import DebatePostFactory, DebateTopicFactory

pytestmark = pytest.mark.django_db

# Wilson lower bound at 95% (z = 1.96, z² = 3.8416), computed by hand:
#   5 up / 0 down:  n=5,   p=1:      (1 + 0.38416 - 1.96·√(0.19208/5)) / 1.76832          = 0.5655
#   50 up / 10 down: n=60, p=0.8333: (0.83333 + 0.03201 - 1.96·√(0.15490/60)) / 1.06403   = 0.7197
#   1 up / 0 down:  n=1,   p=1:      (1 + 1.9208 - 1.96·0.98) / 4.8416                    = 0.2065
#   60 up / 40 down: n=100, p=0.6:   (0.6 + 0.019208 - 1.96·√(0.249604/100)) / 1.038416  = 0.5020
HAND = {(5, 0): 0.5655, (50, 10): 0.7197, (1, 0): 0.2065, (60, 40): 0.5020}


@pytest.mark.parametrize(("votes", "expected"), HAND.items())
def test_wilson_lower_bound_matches_the_hand_computed_values(votes, expected):
    assert ranking.wilson_lower_bound(*votes) == pytest.approx(expected, abs=1e-4)


def test_wilson_of_no_votes_is_zero():
    assert ranking.wilson_lower_bound(0, 0) == 0.0


def test_most_voted_sorts_threads_by_wilson_not_by_the_raw_difference(client):
    topic = DebateTopicFactory()
    voters = UserFactory.create_batch(100)
    posts = {votes: DebatePostFactory(topic=topic, content=f"votos {votes}") for votes in HAND}
    DebateVote.objects.bulk_create(
        DebateVote(user=voter, post=post, value=1 if i < up else -1)
        for (up, down), post in posts.items()
        for i, voter in enumerate(voters[: up + down])
    )
    reply = DebatePostFactory(topic=topic, parent=posts[(1, 0)], content="resposta ao último")
    services.topic_counters_reconcile()  # counts and scores from the vote rows, in SQL

    for votes, post in posts.items():  # the SQL formula agrees with the hand values
        assert DebatePost.objects.get(pk=post.pk).wilson_score == pytest.approx(HAND[votes], abs=1e-4)
    html = client.get(reverse("debates:topic_detail", kwargs={"slug": topic.slug}), {"ordem": "votados"}).content
    order = [html.index(f'id="post-{posts[v].pk}"'.encode()) for v in [(50, 10), (5, 0), (60, 40), (1, 0)]]
    assert order == sorted(order)  # by raw difference, 60/40 (+20) would beat 5/0 (+5)
    assert html.index(f'id="post-{reply.pk}"'.encode()) > order[-1]  # the reply stays under its parent


def test_recent_sort_shows_newest_threads_first_and_unknown_sort_falls_back(client):
    topic = DebateTopicFactory()
    old, new = DebatePostFactory(topic=topic), DebatePostFactory(topic=topic)
    url = reverse("debates:topic_detail", kwargs={"slug": topic.slug})
    html = client.get(url, {"ordem": "recentes"}).content.decode()
    assert html.index(f'id="post-{new.pk}"') < html.index(f'id="post-{old.pk}"')
    response = client.get(url, {"ordem": "<script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="post-{old.pk}"') < html.index(f'id="post-{new.pk}"')


def test_vote_keeps_counts_and_wilson_in_step(user):
    post = DebatePostFactory()
    others = UserFactory.create_batch(2)
    services.vote_toggle(post=post, user=user, value=1)
    services.vote_toggle(post=post, user=others[0], value=1)
    services.vote_toggle(post=post, user=others[1], value=-1)
    services.vote_toggle(post=post, user=user, value=-1)  # flip: up 1, down 2
    post = DebatePost.objects.get(pk=post.pk)
    assert (post.upvotes, post.downvotes, post.votes_score) == (1, 2, -1)
    assert post.wilson_score == pytest.approx(ranking.wilson_lower_bound(1, 2))
    services.vote_toggle(post=post, user=others[1], value=-1)  # removed
    post = DebatePost.objects.get(pk=post.pk)
    assert (post.upvotes, post.downvotes) == (1, 1)
    assert post.wilson_score == pytest.approx(ranking.wilson_lower_bound(1, 1))


def test_hot_score_is_log_posts_plus_recency():
    now = timezone.now()
    assert ranking.hot_score(100, now) - ranking.hot_score(1, now) == pytest.approx(2.0)
    later = now + timedelta(seconds=ranking.HOT_DECAY_SECONDS)
    assert ranking.hot_score(1, later) - ranking.hot_score(10, now) == pytest.approx(0.0)
    assert ranking.hot_score(0, now) == ranking.hot_score(1, now)  # log10(max(posts, 1))


def test_new_post_moves_the_hot_score(user):
    topic = DebateTopicFactory()
    services.post_create(topic=topic, author=user, content="um")
    services.post_create(topic=topic, author=UserFactory(), content="dois")
    topic.refresh_from_db()
    assert topic.hot_score == pytest.approx(ranking.hot_score(2, topic.last_activity_at), abs=1e-6)
    assert topic.hot_score == pytest.approx(math.log10(2) + ranking.hot_score(1, topic.last_activity_at), abs=1e-6)


def test_hot_sort_weighs_posts_against_recency(client):
    now = timezone.now()
    crowded_yesterday = DebateTopicFactory(title="Cheio ontem")  # 100 posts, 24 h ago: 2 - 1.92
    quiet_now = DebateTopicFactory(title="Calmo agora")  # 1 post, now: 0
    busy_recent = DebateTopicFactory(title="Movimentado")  # 10 posts, 1 h ago: 1 - 0.08
    for topic, posts, hours in ((crowded_yesterday, 100, 24), (quiet_now, 1, 0), (busy_recent, 10, 1)):
        DebateTopic.objects.filter(pk=topic.pk).update(posts_count=posts, last_activity_at=now - timedelta(hours=hours))
    DebatePostFactory(topic=quiet_now)  # so the reconcile keeps quiet_now's count at 1
    DebateTopic.objects.filter(pk=quiet_now.pk).update(last_activity_at=now)
    DebateTopic.objects.filter(pk__in=[crowded_yesterday.pk, busy_recent.pk]).update(hot_score=0)
    from django.db import connection

    with connection.cursor() as cursor:  # only the hot step: the others have no post rows
        cursor.execute(services._RECONCILE_HOT)

    html = client.get(reverse("debates:topic_list"), {"ordem": "em-alta"}).content.decode()
    assert html.index("Movimentado") < html.index("Cheio ontem") < html.index("Calmo agora")
    html = client.get(reverse("debates:topic_list"), {"ordem": "ativos"}).content.decode()
    assert html.index("Calmo agora") < html.index("Movimentado") < html.index("Cheio ontem")


def test_new_sort_and_unknown_sort_on_the_list(client):
    first = DebateTopicFactory(title="Primeiro debate")
    second = DebateTopicFactory(title="Segundo debate")
    services.post_create(topic=first, author=UserFactory(), content="atividade")
    html = client.get(reverse("debates:topic_list")).content.decode()  # cached "ativos" page
    assert html.index(first.title) < html.index(second.title)
    html = client.get(reverse("debates:topic_list"), {"ordem": "novos"}).content.decode()  # its own key
    assert html.index(second.title) < html.index(first.title)
    assert client.get(reverse("debates:topic_list"), {"ordem": "nada"}).status_code == 200
