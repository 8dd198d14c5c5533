from accounts.models import BookShelf
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from core.tests.factories import UserFactory
from recommendations import services
from recommendations.models import ItemNeighbors, ModelRun, UserRecommendations


def recommended(user_id):
    return [item["book_id"] for item in UserRecommendations.objects.get(user_id=user_id).items]


def seen(user_id):
    shelves = set(BookShelf.objects.filter(user_id=user_id).values_list("book_id", flat=True))
    from accounts.models import BookReview

    return shelves | set(BookReview.objects.filter(user_id=user_id).values_list("book_id", flat=True))


def test_training_stores_neighbours_lists_and_a_successful_run(world):
    run = world["run"]
    assert run.status == ModelRun.Status.SUCCESS
    assert run.duration_seconds > 0 and run.peak_memory_mb > 0
    assert "stored lists of 10/10 readers" in run.log
    assert ItemNeighbors.objects.filter(model_version=run.pk).count() == 12
    assert UserRecommendations.objects.filter(model_version=run.pk).count() == 10


def test_similar_books_follow_the_readers_taste_groups(world):
    books = world["books"]
    neighbors = ItemNeighbors.objects.get(book=books[0]).neighbors
    assert neighbors and all(b in {book.pk for book in books[0::2]} for b in neighbors)


def test_lists_never_hold_a_book_on_any_shelf_or_reviewed(world):
    for reader in world["readers"]:
        items = recommended(reader.pk)
        assert len(items) == min(services.LIST_SIZE, 12 - len(seen(reader.pk))) == len(set(items))
        assert not set(items) & seen(reader.pk)


def test_refresh_excludes_abandoned_and_badly_rated_books_too(world):
    reader, books = world["readers"][2], world["books"]
    BookShelfFactory(user=reader, book=books[11], shelf_type=BookShelf.ShelfType.ABANDONED)
    BookReviewFactory(user=reader, book=books[9], rating="1.0")
    services.user_recommendations_update(user_id=reader.pk)
    items = recommended(reader.pk)
    assert books[11].pk not in items and books[9].pk not in items
    assert not set(items) & seen(reader.pk)


def test_collaborative_picks_come_first_with_a_reason_from_the_readers_books(world):
    reader, books = world["readers"][0], world["books"]
    first = UserRecommendations.objects.get(user=reader).items[0]
    assert first["book_id"] in {b.pk for b in books[0::2]}
    assert first["reason"]["book_id"] in seen(reader.pk)


def test_a_new_reader_gets_popular_books_of_their_favourite_categories(world):
    newcomer = UserFactory()
    newcomer.profile.favorite_categories.add(world["romance"])
    row = services.user_recommendations_update(user_id=newcomer.pk)
    romance = {b.pk for b in world["books"][1::2]}
    first_six = [item for item in row.items[:6]]
    assert {item["book_id"] for item in first_six} == romance
    assert all(item["reason"] == {"category": "Romance"} for item in first_six)
    assert row.items[6]["reason"] == {"popular": True}


def test_a_reader_with_one_book_gets_its_neighbours_then_popular_picks(world):
    reader, books = UserFactory(), world["books"]
    BookShelfFactory(user=reader, book=books[1], shelf_type=BookShelf.ShelfType.WANT_TO_READ)
    row = services.user_recommendations_update(user_id=reader.pk)
    assert len(row.items) == services.LIST_SIZE
    assert row.items[0]["reason"] == {"book_id": books[1].pk}
    assert row.items[0]["book_id"] in {b.pk for b in books[1::2]}
    assert books[1].pk not in [item["book_id"] for item in row.items]


def test_cold_start_works_before_any_training(db):
    from catalog.tests.factories import BookFactory

    BookFactory.create_batch(3)
    row = services.user_recommendations_update(user_id=UserFactory().pk)
    assert len(row.items) == 3 and row.model_version == 0


def test_refresh_of_a_deleted_reader_is_a_no_op(db):
    assert services.user_recommendations_update(user_id=987654) is None


def test_a_second_training_replaces_the_stored_model(world):
    run = services.recommendations_train()
    assert not ItemNeighbors.objects.exclude(model_version=run.pk).exists()
    assert not UserRecommendations.objects.exclude(model_version=run.pk).exists()
