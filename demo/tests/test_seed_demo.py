from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Avg, Count, F, Q, Sum

from accounts.models import BookReview, BookShelf, Profile, ReadingProgress
from catalog.models import Book
from catalog.tests.factories import BookFactory
from debates.models import DebatePost, DebateTopic, DebateVote
from debates.ranking import wilson_lower_bound
from debates.selectors import topic_post_page
from demo.seeding import SeedOptions, demo_seed

User = get_user_model()
STATUS = [s.value for s in BookShelf.STATUS_SHELVES]
# goodbooks (user, book) → stars; user 99 is not a demo user, book 777 is not in the catalog.
REAL = {(1, 1): 5, (1, 2): 2, (2, 3): 4, (3, 1): 1, (99, 1): 3, (2, 777): 5}
OPTIONS = {"users": 15, "topics": 5, "posts": 60, "votes": 100, "shelves": 80, "reviews": 40, "verbosity": 0}


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def books(db):
    return [BookFactory(goodbooks_id=n, pages=None if n % 3 == 0 else 320) for n in range(1, 21)]


@pytest.fixture
def ratings_csv(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("user_id,book_id,rating\n" + "".join(f"{u},{b},{r}\n" for (u, b), r in REAL.items()))
    return path


@pytest.fixture
def implicit_tsv(tmp_path):
    path = tmp_path / "interactions.tsv"
    path.write_text("4\t5\n4\t6\n1\t1\n")
    return path


@pytest.fixture
def seeded(books, ratings_csv, implicit_tsv):
    call_command("seed_demo", ratings=[ratings_csv, implicit_tsv], **OPTIONS)


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (User, Profile, BookShelf, ReadingProgress, BookReview, DebateTopic, DebatePost, DebateVote)
    }


def test_seed_demo_creates_the_requested_activity(seeded):
    counts = snapshot()
    assert counts["User"] == counts["Profile"] == 15
    assert User.objects.filter(username="leitor00001").exists()
    assert User.objects.get(username="leitor00015").check_password("demo12345")
    assert counts["BookShelf"] == 80
    assert counts["BookReview"] == 40
    assert counts["DebateTopic"] == 5
    assert counts["DebatePost"] == 60
    assert counts["DebateVote"] == 100
    assert counts["ReadingProgress"] == BookShelf.objects.filter(shelf_type="reading").count()
    assert DebateTopic.objects.filter(is_locked=True).count() == 1
    assert DebateTopic.objects.filter(is_pinned=True).exists()


def test_topic_and_post_counters_equal_fresh_aggregates(seeded):
    for topic in DebateTopic.objects.annotate(n=Count("posts")):
        assert topic.posts_count == topic.n
        last = topic.posts.order_by("-created_at").values_list("created_at", flat=True).first()
        assert topic.last_activity_at == (last or topic.created_at)
    counted = DebatePost.objects.annotate(
        score=Sum("votes__value"),
        up=Count("votes", filter=Q(votes__value=1)),
        down=Count("votes", filter=Q(votes__value=-1)),
    )
    for post in counted:
        assert (post.votes_score, post.upvotes, post.downvotes) == (post.score or 0, post.up, post.down)
        assert post.wilson_score == pytest.approx(wilson_lower_bound(post.up, post.down))
    assert DebatePost.objects.exclude(votes_score=0).exists()


def test_book_rating_counters_equal_fresh_aggregates(seeded):
    for book in Book.objects.annotate(n=Count("reviews"), avg=Avg("reviews__rating")):
        assert book.ratings_count == book.n
        assert book.average_rating == (book.avg or Decimal("0")).quantize(Decimal("0.01"))
    assert Book.objects.filter(ratings_count__gt=0).exists()


def test_no_reader_has_two_status_shelves_for_one_book(seeded):
    doubled = (
        BookShelf.objects.filter(shelf_type__in=STATUS).values("user", "book").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not doubled.exists()
    assert set(BookShelf.objects.values_list("shelf_type", flat=True)) >= {"read", "want_to_read", "favorites"}


def test_read_shelves_have_dates_and_progress_stays_below_the_total(seeded):
    for shelf in BookShelf.objects.filter(shelf_type="read"):
        assert shelf.started_at <= shelf.finished_at
    for progress in ReadingProgress.objects.all():
        assert 0 < progress.current_page < progress.total_pages
        assert 150 <= progress.total_pages <= 600


def test_replies_belong_to_their_topic_and_come_after_the_parent(seeded):
    replies = DebatePost.objects.filter(parent__isnull=False).select_related("parent")
    assert replies.count() >= 5
    for reply in replies:
        assert reply.parent.topic_id == reply.topic_id
        assert reply.parent.created_at <= reply.created_at
    assert not DebateVote.objects.filter(user=F("post__author")).exists()


def test_every_reply_is_linked_to_its_thread_root_so_the_topic_page_shows_them_all(seeded):
    for reply in DebatePost.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.root_id == (reply.parent.root_id or reply.parent_id)
    for topic in DebateTopic.objects.all():
        page = topic_post_page(topic_id=topic.pk, page_number=1)
        assert len(page.nodes) == topic.posts_count  # one page: every post, replies included


def test_seeded_readings_fill_empty_page_counts_as_the_site_does(seeded):
    for progress in ReadingProgress.objects.select_related("book"):
        assert progress.book.pages is not None
    assert Book.objects.filter(pages__isnull=True).exists()  # books nobody is reading stay empty


def test_seeded_topics_have_been_viewed(seeded):
    assert not DebateTopic.objects.filter(views_count__lt=F("posts_count")).exists()


def test_real_ratings_are_used_for_the_mapped_pairs(seeded):
    def review(user_k, goodbooks_id):
        return BookReview.objects.get(user__username=f"leitor{user_k:05d}", book__goodbooks_id=goodbooks_id)

    for (user_k, goodbooks_id), stars in REAL.items():
        if user_k <= 15 and goodbooks_id <= 20:
            assert review(user_k, goodbooks_id).rating == Decimal(stars)
            assert BookShelf.objects.filter(
                user__username=f"leitor{user_k:05d}", book__goodbooks_id=goodbooks_id, shelf_type="read"
            ).exists()
    # Implicit pairs become "read" shelves without a rating of their own.
    reader4 = BookShelf.objects.filter(user__username="leitor00004", shelf_type="read")
    assert set(reader4.values_list("book__goodbooks_id", flat=True)) >= {5, 6}


def test_running_twice_adds_nothing(seeded, ratings_csv, implicit_tsv):
    before = snapshot()
    call_command("seed_demo", ratings=[ratings_csv, implicit_tsv], **OPTIONS)
    assert snapshot() == before


def test_more_users_later_adds_only_the_new_readers_and_keeps_counters_exact(seeded):
    call_command("seed_demo", ratings=[], **{**OPTIONS, "users": 20})
    assert User.objects.filter(username__startswith="leitor").count() == 20
    assert DebateTopic.objects.count() == 10
    assert DebateTopic.objects.filter(creator__username__gte="leitor00016").count() == 5
    assert Profile.objects.count() == 20
    for book in Book.objects.annotate(n=Count("reviews")):
        assert book.ratings_count == book.n


def test_the_same_seed_on_the_same_catalog_gives_the_same_data(books):
    options = SeedOptions(users=5, topics=2, posts=10, votes=10, shelves=20, reviews=5, seed=7)

    def seed_and_read(options):
        demo_seed(options=options)
        data = (
            sorted(BookShelf.objects.values_list("user__username", "book_id", "shelf_type")),
            sorted(BookReview.objects.values_list("user__username", "book_id", "rating", "text")),
            sorted(DebatePost.objects.values_list("topic__slug", "author__username", "content")),
        )
        DebateTopic.objects.all().delete()
        User.objects.all().delete()
        return data

    first = seed_and_read(options)
    assert len(first[0]) == 20
    assert seed_and_read(options) == first
    assert seed_and_read(replace(options, seed=8)) != first


def test_empty_catalog_is_refused_with_a_clear_message(db):
    with pytest.raises(CommandError, match="import_goodbooks"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_unreadable_ratings_file_is_refused(books, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="user_id,book_id,rating"):
        call_command("seed_demo", ratings=[bad], **OPTIONS)
    assert not User.objects.exists()
