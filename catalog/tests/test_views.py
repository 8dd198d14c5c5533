import pytest
from django.urls import reverse

from catalog import selectors
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    book = BookFactory(title="Dom Casmurro", authors=[AuthorFactory(name="Machado de Assis")])
    book.categories.add(CategoryFactory(name="Clássicos"))
    book.tags.add(TagFactory(name="brazilian-literature"))
    return book


def pages(book):
    author, category = book.authors.get(), book.categories.get()
    return [
        reverse("catalog:book_list"),
        reverse("catalog:book_detail", kwargs={"slug": book.slug}),
        reverse("catalog:author_detail", kwargs={"slug": author.slug}),
        reverse("catalog:category_detail", kwargs={"slug": category.slug}),
        reverse("core:home"),
    ]


def test_pages_render_for_anonymous_readers(client, book, catalog_panels_only):
    for url in pages(book):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Dom Casmurro" in response.content.decode(), url


def test_pages_render_for_logged_in_readers(auth_client, book, catalog_panels_only):
    for url in pages(book):
        assert auth_client.get(url).status_code == 200, url


def test_book_page_shows_the_catalog_facts(client, book, catalog_panels_only):
    html = client.get(book.get_absolute_url()).content.decode()
    assert f'class="cover large hue-{book.cover_hue}"' in html
    assert book.authors.get().get_absolute_url() in html
    assert "/livros/categorias/classicos/" in html
    assert "?tag=brazilian-literature" in html
    assert book.isbn13 in html


@pytest.mark.parametrize(
    "url",
    [
        "/livros/nao-existe/",
        "/livros/autores/nao-existe/",
        "/livros/categorias/nao-existe/",
        "/livros/?category=x",
        "/livros/?tag=a%2Fb",
        "/livros/?category=a%20b",
    ],
)
def test_unknown_slugs_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["sort=bogus", "page=abc", "page=-3", "page=99999", "sort=-year&page=0", "q=" + "x" * 5000, "q=%27%22%3C"],
)
def test_bad_list_parameters_never_fail(client, book, query):
    assert client.get(f"/livros/?{query}").status_code == 200
    assert client.get(f"/livros/categorias/classicos/?{query}").status_code == 200


@pytest.mark.parametrize("query", ["q=%00%27%22", "tag=%00", "category=%00"])
def test_a_nul_byte_in_a_list_parameter_is_a_400(client, book, query):
    assert client.get(f"/livros/?{query}").status_code == 400


def test_page_past_the_end_shows_the_last_page(client, make_books):
    make_books(30)
    response = client.get("/livros/?page=50")
    assert response.context["page_obj"].number == 2


def test_search_results_list_matching_books(client, book):
    BookFactory(title="Memórias Póstumas")
    response = client.get("/livros/", {"q": "casmurro"})
    assert [b.title for b in response.context["page_obj"]] == ["Dom Casmurro"]


def test_category_and_tag_filters(client, book):
    BookFactory(title="Outro livro")
    assert [b.title for b in client.get("/livros/", {"tag": "brazilian-literature"}).context["page_obj"]] == [
        "Dom Casmurro"
    ]
    assert [b.title for b in client.get("/livros/", {"category": "classicos"}).context["page_obj"]] == ["Dom Casmurro"]


def test_search_text_is_escaped(client, book):
    payload = '<script>alert("x")</script>'
    html = client.get("/livros/", {"q": payload}).content.decode()
    assert payload not in html
    assert "&lt;script&gt;" in html


# --- Query counts: the same exact number at 10 and 200 books, cold cache -----------------------


@pytest.fixture(params=[10, 200], ids=["10-books", "200-books"])
def catalog(request, make_books, catalog_panels_only):
    author, category, tag = AuthorFactory(name="Autora Prolífica"), CategoryFactory(), TagFactory()
    books = make_books(request.param, author=author, categories=[category], tags=[tag])
    for other in make_books(3):
        other.categories.add(category)
    return {"book": books[0], "author": author, "category": category, "tag": tag}


def test_book_list_query_count(client, catalog, django_assert_num_queries):
    # count + page + categories for the filter
    with django_assert_num_queries(3):
        assert client.get("/livros/?sort=rating&page=2").status_code == 200
    # category + tag lookups + count + page (the category filter is cached now)
    with django_assert_num_queries(4):
        assert client.get(f"/livros/?category={catalog['category'].slug}&tag={catalog['tag'].slug}").status_code == 200


def test_search_query_count(client, catalog, django_assert_num_queries):
    # count + page + categories for the filter + matching authors
    with django_assert_num_queries(4):
        response = client.get("/livros/?q=livro")
    assert response.context["page_obj"].paginator.count >= 10


def test_book_detail_query_count(client, catalog, django_assert_num_queries):
    # the book; its authors, categories and tags in one statement
    with django_assert_num_queries(2):
        assert client.get(catalog["book"].get_absolute_url()).status_code == 200


def test_book_detail_warm_cache_needs_no_query(client, catalog, django_assert_num_queries):
    client.get(catalog["book"].get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(catalog["book"].get_absolute_url())
    assert catalog["book"].title in response.content.decode()


def test_author_page_query_count(client, catalog, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert client.get(catalog["author"].get_absolute_url() + "?page=2").status_code == 200


def test_category_page_query_count(client, catalog, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert client.get(catalog["category"].get_absolute_url() + "?sort=-year").status_code == 200


def test_home_query_count(client, catalog, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/")
    assert "Livros populares" in response.content.decode()


def test_home_warm_cache_needs_no_query(client, catalog, django_assert_num_queries):
    client.get("/")
    with django_assert_num_queries(0):
        assert client.get("/").status_code == 200


def test_popular_panel_lists_most_reviewed_books(client, catalog):
    html = client.get("/").content.decode()
    most_reviewed = max(catalog["author"].books.all(), key=lambda book: book.ratings_count)
    assert most_reviewed.title in html
    assert html.count('class="card book-card"') == selectors.POPULAR_LIMIT
