import pytest
from django.db import connection

from catalog import selectors
from catalog.models import Book
from catalog.search import book_search_vector
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory, TagFactory


def titles(queryset):
    return [book.title for book in queryset]


@pytest.fixture
def shelf(db):
    tolkien = AuthorFactory(name="J.R.R. Tolkien")
    austen = AuthorFactory(name="Jane Austen")
    fantasy = CategoryFactory(name="Fantasia")
    books = {
        "hobbit": BookFactory(title="The Hobbit", authors=[tolkien], publication_year=1937),
        "rings": BookFactory(title="The Fellowship of the Ring", authors=[tolkien], publication_year=1954),
        "pride": BookFactory(title="Pride and Prejudice", authors=[austen], publication_year=None),
        "emma": BookFactory(title="Emma", authors=[austen], publication_year=1815),
    }
    books["hobbit"].categories.add(fantasy)
    books["rings"].categories.add(fantasy)
    Book.objects.filter(pk=books["pride"].pk).update(average_rating="4.50", ratings_count=3)
    Book.objects.filter(pk=books["emma"].pk).update(average_rating="4.50", ratings_count=9)
    # As the importer does on PostgreSQL (the signals did it already; this keeps the test explicit).
    Book.objects.update(search_vector=book_search_vector())
    return books


def test_search_finds_books_by_author_name(shelf):
    assert set(titles(selectors.book_list(q="tolkien"))) == {"The Hobbit", "The Fellowship of the Ring"}


def test_search_finds_books_by_a_title_word(shelf):
    assert titles(selectors.book_list(q="prejudice")) == ["Pride and Prejudice"]


def test_search_understands_web_syntax(shelf):
    assert titles(selectors.book_list(q="tolkien -ring")) == ["The Hobbit"]
    assert titles(selectors.book_list(q='"jane austen" emma')) == ["Emma"]


def test_search_ignores_accents_both_ways(db):
    BookFactory(title="Cem Anos de Solidão", authors=[AuthorFactory(name="Gabriel García Márquez")])
    BookFactory(title="Ensaio sobre a cegueira", authors=[AuthorFactory(name="José Saramago")])
    Book.objects.update(search_vector=book_search_vector())
    assert titles(selectors.book_list(q="solidao")) == ["Cem Anos de Solidão"]
    assert titles(selectors.book_list(q="garcia marquez")) == ["Cem Anos de Solidão"]
    assert titles(selectors.book_list(q="jose saramago")) == ["Ensaio sobre a cegueira"]
    assert titles(selectors.book_list(q="cegueíra")) == ["Ensaio sobre a cegueira"]


def test_search_without_match_is_empty(shelf):
    assert titles(selectors.book_list(q="dostoievski")) == []


def test_search_falls_back_to_icontains_off_postgresql(shelf, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert titles(selectors.book_list(q="austen EMM")) == ["Emma"]


def test_sorts(shelf):
    assert titles(selectors.book_list(sort="title")) == sorted(titles(Book.objects.all()))
    assert titles(selectors.book_list(sort="rating"))[:2] == ["Emma", "Pride and Prejudice"]
    # Books without a year go last both ways.
    assert titles(selectors.book_list(sort="year")) == [
        "Emma",
        "The Hobbit",
        "The Fellowship of the Ring",
        "Pride and Prejudice",
    ]  # noqa: E501
    assert titles(selectors.book_list(sort="-year"))[0] == "The Fellowship of the Ring"
    assert titles(selectors.book_list(sort="-year"))[-1] == "Pride and Prejudice"


def test_unknown_sort_falls_back_to_default():
    assert selectors.clean_sort("'; DROP TABLE") == ""
    assert selectors.clean_sort("-year") == "-year"


def test_query_is_trimmed_to_200_characters():
    assert len(selectors.clean_query("a" * 500)) == 200
    assert selectors.clean_query("  two   words ") == "two words"


def test_filters_by_category_and_tag(shelf):
    fantasy = shelf["hobbit"].categories.get()
    tag = TagFactory(name="classics")
    shelf["emma"].tags.add(tag)
    assert set(titles(selectors.book_list(category=fantasy))) == {"The Hobbit", "The Fellowship of the Ring"}
    assert titles(selectors.book_list(tag=tag)) == ["Emma"]
    assert titles(selectors.book_list(q="tolkien", category=fantasy, sort="year")) == [
        "The Hobbit",
        "The Fellowship of the Ring",
    ]


def test_popular_books_rank_by_reviews_then_rating(shelf):
    assert titles(selectors.popular_books(limit=2)) == ["Emma", "Pride and Prejudice"]


def test_book_detail_is_none_for_an_unknown_slug(db):
    assert selectors.book_detail(slug="nao-existe") is None


@pytest.mark.parametrize("slug", ["duna-frank-herbert", "a_b-2"])
def test_a_books_url_is_the_reversed_one(slug):
    from django.urls import reverse

    from catalog.models import Book

    assert (
        Book(slug=slug).get_absolute_url()
        == reverse("catalog:book_detail", kwargs={"slug": slug})
        == f"/livros/{slug}/"
    )


def test_book_detail_loads_authors_categories_and_tags_in_one_statement_in_their_order(db, django_assert_num_queries):
    tags = [TagFactory(name=name, books_count=count) for name, count in (("b", 5), ("a", 5), ("c", 9), ("d", 1))]
    authors = [AuthorFactory(name=name) for name in ("Zélia", "Ana")]
    categories = [CategoryFactory(name=name) for name in ("Romance", "Fantasia")]
    book = BookFactory(authors=authors)
    book.categories.set(categories)
    book.tags.set(tags)
    BookFactory(authors=[AuthorFactory(name="Outra")]).tags.set(tags[:1])  # another book's rows stay out
    with django_assert_num_queries(2):
        found = selectors.book_detail(slug=book.slug)
        assert [author.name for author in found.authors.all()] == ["Ana", "Zélia"]
        assert [category.name for category in found.categories.all()] == ["Fantasia", "Romance"]
        assert [(tag.name, tag.books_count) for tag in found.tags.all()] == [("c", 9), ("a", 5), ("b", 5), ("d", 1)]
        assert found.authors.all()[1].get_absolute_url() == authors[0].get_absolute_url()


def test_a_cached_book_comes_back_with_its_authors_categories_and_tags(db):
    """Stored as rows, loaded as `prefetch_related` would: the same objects, in their order,
    and no query."""
    from django.test.utils import CaptureQueriesContext

    book = BookFactory(authors=[AuthorFactory(name="Graciliano Ramos")])
    book.categories.add(CategoryFactory(name="Romance"))
    book.tags.add(TagFactory(name="sertão"))
    fresh = selectors.book_detail(slug=book.slug)
    with CaptureQueriesContext(connection) as queries:
        cached = selectors.book_detail(slug=book.slug)
        names = [[item.name for item in getattr(cached, name).all()] for name in ("authors", "categories", "tags")]
    assert len(queries) == 0
    assert cached == fresh and cached is not fresh
    assert names == [["Graciliano Ramos"], ["Romance"], ["sertão"]]
