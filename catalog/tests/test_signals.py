import pytest

from catalog import selectors
from catalog.models import Book
from catalog.search import book_search_query
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)  # cache flushes run on commit


def found(word):
    return list(Book.objects.filter(search_vector=book_search_query(word)))


def test_adding_an_author_refreshes_author_names_and_search_vector():
    book = BookFactory(title="Good Omens", authors=[AuthorFactory(name="Terry Pratchett")])
    book.authors.add(AuthorFactory(name="Neil Gaiman"))

    book.refresh_from_db()
    assert book.author_names == "Terry Pratchett, Neil Gaiman"
    assert found("gaiman") == [book]


def test_removing_an_author_drops_it_from_search():
    gaiman = AuthorFactory(name="Neil Gaiman")
    book = BookFactory(title="Good Omens", authors=[AuthorFactory(name="Terry Pratchett"), gaiman])
    book.authors.remove(gaiman)

    book.refresh_from_db()
    assert book.author_names == "Terry Pratchett"
    assert found("gaiman") == []


def test_editing_a_title_refreshes_search_and_the_cached_page():
    book = BookFactory(title="Rascunho")
    assert selectors.book_detail(slug=book.slug).title == "Rascunho"

    book.title = "Versão final"
    book.save()

    assert found("final") == [book]
    assert selectors.book_detail(slug=book.slug).title == "Versão final"


def test_changing_a_slug_forgets_the_old_page():
    book = BookFactory(title="Velho")
    assert selectors.book_detail(slug="velho") is not None

    book.slug = "novo"
    book.save()

    assert selectors.book_detail(slug="velho") is None
    assert selectors.book_detail(slug="novo") == book


def test_category_changes_reach_the_cached_page():
    book = BookFactory()
    assert list(selectors.book_detail(slug=book.slug).categories.all()) == []
    category = CategoryFactory(name="Poesia")
    book.categories.add(category)
    assert list(selectors.book_detail(slug=book.slug).categories.all()) == [category]

    category.name = "Poesia lírica"
    category.save()
    assert selectors.book_detail(slug=book.slug).categories.get().name == "Poesia lírica"


def test_deleting_a_book_forgets_its_page():
    book = BookFactory(title="Efêmero")
    assert selectors.book_detail(slug=book.slug) is not None
    book.delete()
    assert selectors.book_detail(slug="efemero") is None


def test_popular_list_sees_a_new_book():
    assert selectors.popular_books() == []
    book = BookFactory()
    assert selectors.popular_books() == [book]
