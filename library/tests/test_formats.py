from decimal import Decimal

import pytest

from library import formats
from library.formats import FileRejected
from library.tests.conftest import fixture_bytes

GR_HEADER = b"Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf,Bookshelves,Date Read,Date Added,My Review\n"


def test_goodreads_sample_is_detected_and_parsed_with_quoted_commas_and_newlines():
    layout, rows = formats.parse_file(fixture_bytes("goodreads_sample.csv"))
    assert layout == formats.GOODREADS
    assert len(rows) == 5
    assert rows[0]["Title"] == "The Hunger Games (The Hunger Games, #1)"
    assert rows[3]["My Review"] == 'Não terminei,\nmas gostei do "Bentinho".'


def test_goodreads_row_cleans_isbns_ratings_reviews_and_shelves():
    _layout, rows = formats.parse_file(fixture_bytes("goodreads_sample.csv"))
    hunger = formats.library_row(formats.GOODREADS, rows[0])
    assert (hunger.isbn, hunger.isbn13, hunger.goodreads_id) == ("0439023483", "9780439023480", 2767052)
    assert hunger.rating == Decimal("5.0") and hunger.status == "read" and hunger.favorite
    assert hunger.review == "Ótimo, com vírgula\ne quebra de linha"
    assert str(hunger.date_read) == "2024-03-10" and str(hunger.date_added) == "2024-01-05"
    unrated = formats.library_row(formats.GOODREADS, rows[1])
    assert unrated.rating is None and unrated.isbn13 == "" and unrated.status == "reading"
    dnf = formats.library_row(formats.GOODREADS, rows[3])
    assert dnf.status == "abandoned" and dnf.custom_shelves == ["clássicos"]


def test_storygraph_sample_is_detected_and_quarter_stars_round_to_half_steps():
    layout, rows = formats.parse_file(fixture_bytes("storygraph_sample.csv"))
    assert layout == formats.STORYGRAPH
    hunger = formats.library_row(layout, rows[0])
    assert hunger.rating == Decimal("4.5") and hunger.isbn13 == "9780439023480"
    assert hunger.favorite and hunger.custom_shelves == ["distopia"]
    assert formats.library_row(layout, rows[1]).status == "abandoned"
    assert formats.library_row(layout, rows[2]).isbn == ""  # an ASIN is no ISBN
    assert formats.library_row(layout, rows[3]).author == "Aluisio Azevedo"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3.25", "3.5"),  # ties round up
        ("3.75", "4.0"),
        ("3.1", "3.0"),
        ("4.5", "4.5"),
        ("0.25", "1.0"),  # clamped to the lowest rating
        ("0", None),
        ("", None),
        ("abc", None),
        ("NaN", None),
        ("7", "5.0"),
    ],
)
def test_round_rating(raw, expected):
    assert formats.round_rating(raw) == (Decimal(expected) if expected else None)


def test_normalise_drops_accents_case_punctuation_and_series():
    assert formats.normalise("Cem Anos de Solidão (Série X, #1)") == "cem anos de solidao"
    assert formats.title_author_key("O Cortiço!", "Aluísio Azevedo, Outro") == "o cortico|aluisio azevedo"


def test_a_utf8_bom_is_accepted():
    layout, rows = formats.parse_file(b"\xef\xbb\xbf" + GR_HEADER + b"1,A,B,,,0,read,,,,\n")
    assert layout == formats.GOODREADS and rows[0]["Title"] == "A"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binário"),
        (GR_HEADER + "1,Coração,Zé,,,0,read,,,,\n".encode("latin-1"), "UTF-8"),
        (b"", "vazio"),
        (b"name,age\nx,1\n", "colunas"),
        (GR_HEADER, "nenhum livro"),
        (GR_HEADER + b"1,A,B\n", "colunas"),
        (GR_HEADER + b'1,"A unclosed,B,,,0,read,,,,\n', "malformado"),
        (GR_HEADER + b'1,"A"x,B,,,0,read,,,,\n', "malformado"),
    ],
)
def test_hostile_files_are_rejected_with_a_message(data, message):
    with pytest.raises(FileRejected) as error:
        formats.parse_file(data)
    assert message in str(error.value)


def test_too_many_rows_and_too_many_bytes_are_rejected(monkeypatch):
    monkeypatch.setattr(formats, "MAX_ROWS", 3)
    with pytest.raises(FileRejected, match="passa de 3 livros"):
        formats.parse_file(GR_HEADER + b"1,A,B,,,0,read,,,,\n" * 4)
    with pytest.raises(FileRejected, match="5 MB"):
        formats.parse_file(b"x" * (formats.MAX_FILE_BYTES + 1))
