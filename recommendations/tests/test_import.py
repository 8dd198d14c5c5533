from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.models import BookReview, BookShelf
from catalog.tests.factories import BookFactory


def test_import_creates_readers_and_shelves_once(db, tmp_path):
    a, b = BookFactory(goodbooks_id=1), BookFactory(goodbooks_id=2)
    path = tmp_path / "pairs.tsv"
    path.write_text("7\t1\n7\t2\n8\t2\n8\t999\n")
    call_command("import_goodbooks_interactions", "--interactions", path)
    call_command("import_goodbooks_interactions", "--interactions", path)
    users = get_user_model().objects.filter(username__in=["leitor00007", "leitor00008"])
    assert users.count() == 2
    assert users.get(username="leitor00007").profile
    assert BookShelf.objects.filter(user__in=users).count() == 3
    assert set(BookShelf.objects.filter(user__username="leitor00008").values_list("book", flat=True)) == {b.pk}
    assert a.pk


def test_import_of_rated_csv_adds_reviews_and_refreshes_the_average(db, tmp_path):
    book = BookFactory(goodbooks_id=5)
    path = tmp_path / "ratings.csv"
    path.write_text("user_id,book_id,rating\n1,5,4\n2,5,2\n")
    call_command("import_goodbooks_interactions", "--interactions", path)
    assert BookReview.objects.filter(book=book).count() == 2
    book.refresh_from_db()
    assert book.ratings_count == 2 and float(book.average_rating) == 3.0
