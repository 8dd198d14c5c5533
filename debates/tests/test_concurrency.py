"""Votes racing on real PostgreSQL transactions (each thread has its own connection)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from core.tests.factories import UserFactory
from debates import ranking, services
from debates.models import DebatePost, DebateVote
from debates.tests.factories import DebatePostFactory


def run_in_threads(*targets):
    errors: list[BaseException] = []

    def wrap(target):
        def run():
            try:
                target()
            except BaseException as exc:  # collected and asserted by the test
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(target)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_same_vote_sent_twice_at_once_makes_one_row():
    post = DebatePostFactory()
    voter = UserFactory()
    first_inserted = threading.Event()

    def first():
        with transaction.atomic():
            services.vote_toggle(post=DebatePost.objects.get(pk=post.pk), user=voter, value=1)
            first_inserted.set()
            time.sleep(0.5)  # the second request reaches its INSERT while this one is open

    def second():
        first_inserted.wait(5)
        services.vote_toggle(post=DebatePost.objects.get(pk=post.pk), user=voter, value=1)

    errors = run_in_threads(first, second)

    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "Seu voto já foi registrado" in errors[0].messages[0]
    assert DebateVote.objects.filter(post=post).count() == 1
    assert DebatePost.objects.get(pk=post.pk).votes_score == 1


@pytest.mark.django_db(transaction=True)
def test_many_readers_voting_at_once_give_an_exact_score():
    post = DebatePostFactory()
    voters = UserFactory.create_batch(8)
    start = threading.Barrier(len(voters))

    def vote(voter):
        def run():
            start.wait(5)
            services.vote_toggle(post=DebatePost.objects.get(pk=post.pk), user=voter, value=1)

        return run

    assert run_in_threads(*(vote(voter) for voter in voters)) == []
    assert DebateVote.objects.filter(post=post).count() == 8
    assert DebatePost.objects.get(pk=post.pk).votes_score == 8


@pytest.mark.django_db(transaction=True)
def test_double_click_race_keeps_score_equal_to_the_stored_votes():
    post = DebatePostFactory()
    voter = UserFactory()
    start = threading.Barrier(2)

    def click():
        start.wait(5)
        services.vote_toggle(post=DebatePost.objects.get(pk=post.pk), user=voter, value=1)

    errors = run_in_threads(click, click)

    assert all(isinstance(error, ValidationError) for error in errors)
    votes = list(DebateVote.objects.filter(post=post).values_list("value", flat=True))
    assert len(votes) <= 1
    assert DebatePost.objects.get(pk=post.pk).votes_score == sum(votes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_up_and_down_votes_keep_counts_and_wilson_exact():
    post = DebatePostFactory()
    ups, downs = UserFactory.create_batch(6), UserFactory.create_batch(4)
    start = threading.Barrier(len(ups) + len(downs))

    def vote(voter, value):
        def run():
            start.wait(5)
            services.vote_toggle(post=DebatePost.objects.get(pk=post.pk), user=voter, value=value)

        return run

    targets = [vote(voter, 1) for voter in ups] + [vote(voter, -1) for voter in downs]
    assert run_in_threads(*targets) == []

    post = DebatePost.objects.get(pk=post.pk)
    assert (post.upvotes, post.downvotes, post.votes_score) == (6, 4, 2)
    # The score was computed from the final counts, not from a count some racer read early.
    assert post.wilson_score == pytest.approx(ranking.wilson_lower_bound(6, 4))
