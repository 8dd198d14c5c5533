import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.genres import CATEGORIES, categories_for_genre
from catalog.importer import goodbooks_import, parse_isbns
from catalog.models import Author, Book, Category, Tag
from catalog.search import book_search_query

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
BOOK_COLUMNS = [
    "book_id", "goodreads_book_id", "best_book_id", "work_id", "books_count", "isbn", "isbn13", "authors",
    "original_publication_year", "original_title", "title", "language_code", "average_rating", "ratings_count",
    "work_ratings_count", "work_text_reviews_count", "ratings_1", "ratings_2", "ratings_3", "ratings_4", "ratings_5",
    "image_url", "small_image_url",
]  # fmt: skip
BOOKS = [
    # float-ish ISBN-13 and an ISBN-10 that lost its leading zero
    (1, 2767052, "439023483", "9.78043902348e+12", "Suzanne Collins", "2008.0", "The Hunger Games",
     "The Hunger Games (The Hunger Games, #1)", "eng"),
    # two authors, one with an accent; no year, no ISBNs
    (2, 3, "", "", "J.K. Rowling, Mary GrandPré", "", "", "Harry Potter and the Sorcerer's Stone", "en-US"),
    # unicode title; ISBN-13 of another edition than the ISBN-10
    (3, 320, "60883286", "9.78014303943e+12", "Gabriel García Márquez, Gregory Rabassa", "1967.0",
     "Cien años de soledad", "Cem Anos de Solidão", "por"),
    # a title that slugifies to nothing, a year before Christ
    (4, 400, "", "", "Anônimo", "-1750.0", "", "ألف ليلة وليلة", "ara"),
    # the same title as book 3
    (5, 500, "043965548X", "9.78043965548e+12", "Outra Autora", "2001.0", "", "Cem Anos de Solidão", "por"),
]  # fmt: skip
GENRES = {
    1: "fantasy,young-adult,to-read",
    2: "children,magic,fantasy",
    3: "classics,magical-realism,historical-fiction",
}


def write_files(directory: Path, books=BOOKS, genres=GENRES) -> Path:
    with (directory / "books.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(BOOK_COLUMNS)
        for gid, grid, isbn, isbn13, authors, year, original, title, lang in books:
            writer.writerow(
                [gid, grid, grid, 1, 1, isbn, isbn13, authors, year, original, title, lang, "4.1", "10", "10", "1"]
                + ["1"] * 5
                + ["https://s.gr-assets.com/assets/nophoto/book/111x148.png", ""]
            )
    if genres is not None:
        with (directory / "book_genres.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["book_id", "goodreads_book_id", "genres"])
            for gid, names in genres.items():
                writer.writerow([gid, gid, names])
    return directory


def snapshot():
    return (
        list(Book.objects.order_by("pk").values()),
        list(Author.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values()),
        sorted(Book.authors.through.objects.values_list("pk", "book_id", "author_id")),
        sorted(Book.categories.through.objects.values_list("pk", "book_id", "category_id")),
        sorted(Book.tags.through.objects.values_list("pk", "book_id", "tag_id")),
    )


def test_isbns_are_kept_only_when_exact():
    assert parse_isbns("439023483", "9.78043902348e+12") == ("0439023483", "9780439023481")
    assert parse_isbns("043965548X", "9.78043965548e+12") == ("043965548X", "9780439655484")
    assert parse_isbns("", "9.78043902348e+12") == ("", "")  # the float alone is rounded
    assert parse_isbns("439023484", "") == ("", "")  # bad check digit
    assert parse_isbns("60883286", "9.78014303943e+12") == ("0060883286", "")  # another edition
    assert parse_isbns("", "9780439023481") == ("", "9780439023481")  # written out in full


def test_genres_map_to_curated_categories():
    assert categories_for_genre("sci-fi-fantasy") == {"Ficção científica", "Fantasia"}
    assert categories_for_genre("historical-non-fiction") == {"Não ficção"}
    assert categories_for_genre("science-fiction") == {"Ficção científica"}
    assert categories_for_genre("to-read") == set()
    assert 15 <= len(CATEGORIES) <= 20


@pytest.mark.django_db
def test_import_reads_tricky_rows(tmp_path):
    result = goodbooks_import(directory=write_files(tmp_path))

    assert (result.books_created, result.books_updated, result.authors_created) == (5, 0, 7)
    hunger = Book.objects.get(goodbooks_id=1)
    assert (hunger.goodreads_id, hunger.publication_year) == (2767052, 2008)
    assert (hunger.isbn, hunger.isbn13) == ("0439023483", "9780439023481")
    assert hunger.slug == "the-hunger-games-the-hunger-games-1"
    assert hunger.cover_url == ""  # goodbooks' "nophoto" placeholder
    assert set(hunger.categories.values_list("name", flat=True)) == {"Fantasia", "Jovem adulto"}
    # "to-read" is a reader's bookkeeping, not a tag (catalog/tags.py).
    assert set(hunger.tags.values_list("slug", flat=True)) == {"fantasy", "young-adult"}

    potter = Book.objects.get(goodbooks_id=2)
    assert potter.publication_year is None and potter.isbn13 == ""
    assert potter.author_names == "J.K. Rowling, Mary GrandPré"
    assert set(potter.authors.values_list("slug", flat=True)) == {"jk-rowling", "mary-grandpre"}
    assert set(potter.categories.values_list("name", flat=True)) == {"Infantil", "Fantasia"}

    solitude = Book.objects.get(goodbooks_id=3)
    assert solitude.title == "Cem Anos de Solidão" and solitude.isbn13 == ""
    assert Author.objects.get(name="Gabriel García Márquez").slug == "gabriel-garcia-marquez"
    # Shared titles both get their goodbooks id; an unsluggable title gets a generic one.
    assert solitude.slug == "cem-anos-de-solidao-3"
    assert Book.objects.get(goodbooks_id=5).slug == "cem-anos-de-solidao-5"
    ancient = Book.objects.get(goodbooks_id=4)
    assert ancient.slug == "livro-4" and ancient.publication_year_label == "1750 a.C."
    assert Book.objects.get(goodbooks_id=5).categories.count() == 0  # no genres row
    assert Category.objects.count() == len(CATEGORIES)


@pytest.mark.django_db
def test_import_fills_search_vector_on_postgresql(tmp_path):
    goodbooks_import(directory=write_files(tmp_path))
    assert not Book.objects.filter(search_vector__isnull=True).exists()
    assert Book.objects.filter(search_vector=book_search_query("rowling")).get().goodbooks_id == 2


@pytest.mark.django_db
def test_second_import_changes_nothing(tmp_path):
    directory = write_files(tmp_path)
    goodbooks_import(directory=directory)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        result = goodbooks_import(directory=directory)

    assert (result.books_created, result.books_updated, result.books_unchanged) == (0, 0, 5)
    assert (result.authors_created, result.tags_created, result.links_added, result.links_removed) == (0, 0, 0, 0)
    assert not result.changed
    assert snapshot() == before
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


@pytest.mark.django_db
def test_reimport_updates_changed_rows_and_links_but_keeps_slugs(tmp_path):
    goodbooks_import(directory=write_files(tmp_path))
    changed = [BOOKS[0][:7] + ("The Hunger Games: edição revista",) + BOOKS[0][8:], *BOOKS[1:]]
    result = goodbooks_import(directory=write_files(tmp_path, changed, {**GENRES, 1: "fantasy"}))

    # the young-adult tag and the "Jovem adulto" category ("to-read" was never a tag)
    assert (result.books_created, result.books_updated, result.links_removed) == (0, 1, 2)
    book = Book.objects.get(goodbooks_id=1)
    assert book.title == "The Hunger Games: edição revista"
    assert book.slug == "the-hunger-games-the-hunger-games-1"  # URLs stay stable
    assert list(book.tags.values_list("name", flat=True)) == ["fantasy"]
    assert Book.objects.filter(search_vector=book_search_query("revista")).get() == book


@pytest.mark.django_db
def test_import_without_genres_file_imports_books_only(tmp_path):
    result = goodbooks_import(directory=write_files(tmp_path, genres=None))
    assert result.books_created == 5
    assert not Tag.objects.exists() and not Category.objects.exists()


@pytest.mark.django_db
def test_command_refuses_a_directory_without_books_csv(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_goodbooks", str(tmp_path))
    assert not Book.objects.exists()


@pytest.mark.django_db
def test_bundled_sample_imports(capsys):
    call_command("import_goodbooks", str(SAMPLE_DIR), verbosity=0)

    assert "500 created" in capsys.readouterr().out
    assert Book.objects.count() == 500
    assert not Book.objects.filter(authors=None).exists()
    assert Category.objects.count() == len(CATEGORIES)
    assert Book.objects.filter(categories__slug="fantasia").exists()


def test_sample_is_small_and_attributed():
    assert sum(path.stat().st_size for path in SAMPLE_DIR.iterdir()) < 1.5 * 1024 * 1024
    with (SAMPLE_DIR / "ratings.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert 0 < len(rows) <= 30_000 and set(rows[0]) == {"user_id", "book_id", "rating"}
    assert "CC BY-SA 4.0" in (SAMPLE_DIR / "ATTRIBUTION.md").read_text()
