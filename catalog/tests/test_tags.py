"""Tag normalisation at import, the book page's tag list, language names in pt-BR."""

import pytest

from catalog.importer import goodbooks_import
from catalog.models import Book, Tag
from catalog.tags import language_name, normalise_tag, normalise_tags
from catalog.tests.factories import BookFactory, TagFactory


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("children", "children"),
        ("children-s", "children"),
        ("childrens", "children"),
        ("children-s-books", "children"),
        ("Children's Literature", "children"),
        ("favorite-children-s-books", "children"),
        ("to-read-children", "children"),
        ("ya", "young-adult"),
        ("ya-books", "young-adult"),
        ("scifi", "sci-fi"),
        ("science-fiction", "sci-fi"),
        ("fantasy-sci-fi", "sci-fi-fantasy"),
        ("nonfiction", "non-fiction"),
        ("classics-to-read", "classics"),
        ("manga-i-ve-read", "manga"),
        ("historical-fiction", "historical-fiction"),
        ("to-read", None),
        ("owned", None),
        ("favorites", None),
    ],
)
def test_normalise_tag(raw, tag):
    assert normalise_tag(raw) == tag


def test_variants_collapse_to_one_tag_in_first_seen_order():
    assert normalise_tags(["children", "fantasy", "children-s", "childrens-books", "to-read"]) == [
        "children",
        "fantasy",
    ]


@pytest.mark.parametrize(
    ("code", "name"),
    [("eng", "Inglês"), ("en-US", "Inglês"), ("en-GB", "Inglês"), ("spa", "Espanhol"), ("por", "Português"), ("", "")],
)
def test_language_names_are_pt_br(code, name):
    assert language_name(code) == name


def test_an_unknown_language_code_is_shown_as_it_is():
    assert language_name("xyz") == "xyz"


@pytest.mark.django_db
def test_import_merges_tag_variants_and_counts_books(tmp_path):
    (tmp_path / "books.csv").write_text(
        "book_id,goodreads_book_id,authors,original_publication_year,original_title,title,language_code,isbn,isbn13,image_url\n"
        "1,11,Ana,2001,,Livro A,eng,,,\n"
        "2,12,Bia,2002,,Livro B,en-US,,,\n"
    )
    (tmp_path / "book_genres.csv").write_text(
        'book_id,goodreads_book_id,genres\n1,11,"children,children-s,childrens-books,to-read"\n2,12,"childrens,ya"\n'
    )
    TagFactory(name="children-s")  # left by an import before normalisation

    goodbooks_import(directory=tmp_path)

    assert dict(Tag.objects.values_list("name", "books_count")) == {"children": 2, "young-adult": 1}
    assert list(Book.objects.get(goodbooks_id=1).tags.values_list("name", flat=True)) == ["children"]


@pytest.mark.django_db
def test_book_page_shows_the_most_used_tags_and_the_rest_behind_mais(client):
    book = BookFactory(language_code="en-US")
    tags = [TagFactory(name=f"tag-{i:02d}") for i in range(11)]
    for i, tag in enumerate(tags):
        Tag.objects.filter(pk=tag.pk).update(books_count=100 - i)
    book.tags.add(*tags)

    html = client.get(book.get_absolute_url()).content.decode()

    visible, hidden = html.split('<details class="more-tags">')
    assert all(f">tag-{i:02d}<" in visible for i in range(8))
    assert "mais 3 tags" in hidden and all(f">tag-{i:02d}<" in hidden for i in range(8, 11))
    assert "<dd>Inglês</dd>" in html
