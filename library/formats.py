"""Reading and writing library files: Goodreads and StoryGraph CSV exports.

Pure functions, no database: the upload view parses a file into rows here before any
row is stored, so a bad file is refused whole.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from accounts.models import BookShelf
from core.http import parse_id
from core.limits import model_limit

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# A longer cell than this is not a library export (reviews are capped at 10,000 chars).
MAX_FIELD_CHARS = 20_000
MAX_CUSTOM_SHELVES = 10
CUSTOM_NAME_MAX = model_limit(BookShelf, "custom_name")

GOODREADS = "goodreads"
STORYGRAPH = "storygraph"

# The columns that tell the layouts apart (both have more).
LAYOUT_COLUMNS = {
    GOODREADS: {"Title", "Author", "Exclusive Shelf"},
    STORYGRAPH: {"Title", "Authors", "Read Status"},
}

GOODREADS_COLUMNS = [
    "Book Id",
    "Title",
    "Author",
    "Author l-f",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Average Rating",
    "Publisher",
    "Binding",
    "Number of Pages",
    "Year Published",
    "Original Publication Year",
    "Date Read",
    "Date Added",
    "Bookshelves",
    "Bookshelves with positions",
    "Exclusive Shelf",
    "My Review",
    "Spoiler",
    "Private Notes",
    "Read Count",
    "Owned Copies",
]

# Reading statuses of both sites → accounts.BookShelf shelf types.
STATUS_MAP = {
    "read": "read",
    "currently-reading": "reading",
    "to-read": "want_to_read",
    "did-not-finish": "abandoned",
    "dnf": "abandoned",
    "abandoned": "abandoned",
}
FAVORITES_NAMES = {"favorites", "favourites", "favoritos"}


class FileRejected(ValueError):
    """The whole file is refused; the message is pt-BR, for the reader."""


@dataclass
class LibraryRow:
    """One row of either layout, in CGBookStore terms."""

    title: str = ""
    author: str = ""
    isbn: str = ""
    isbn13: str = ""
    goodreads_id: int | None = None
    rating: Decimal | None = None
    review: str = ""
    status: str = ""
    favorite: bool = False
    custom_shelves: list[str] = field(default_factory=list)
    date_read: date | None = None
    date_added: date | None = None
    pages: int | None = None


# --- Decoding and parsing ---------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) only: both sites export UTF-8, and a Latin-1 fallback
    would "decode" any bytes at all, so it cannot tell a wrong encoding from a good file."""
    if b"\x00" in data:
        raise FileRejected(_("O arquivo não é um CSV de texto (parece um arquivo binário)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            _("O arquivo não está em UTF-8. Exporte-o novamente do site de origem, sem convertê-lo.")
        ) from exc


def detect_layout(header: list[str]) -> str:
    columns = {name.strip() for name in header}
    for layout, required in LAYOUT_COLUMNS.items():
        if required <= columns:
            return layout
    raise FileRejected(
        _("Não reconhecemos as colunas do arquivo. Envie a exportação CSV do Goodreads ou do StoryGraph.")
    )


def parse_file(data: bytes) -> tuple[str, list[dict]]:
    """(layout, rows as {column: value}) of an uploaded file, or FileRejected."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected(_("O arquivo passa de %(max)d MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)})
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise FileRejected(_("O arquivo está vazio."))
        header = [name.strip() for name in header]
        layout = detect_layout(header)
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise FileRejected(
                    _("A linha %(line)d tem %(got)d colunas; o cabeçalho tem %(want)d.")
                    % {"line": reader.line_num, "got": len(values), "want": len(header)}
                )
            if any(len(value) > MAX_FIELD_CHARS for value in values):
                raise FileRejected(_("A linha %(line)d tem um campo longo demais.") % {"line": reader.line_num})
            rows.append(dict(zip(header, values, strict=True)))
            if len(rows) > MAX_ROWS:
                raise FileRejected(_("O arquivo passa de %(max)s livros.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")})
    except csv.Error as exc:
        raise FileRejected(_("O CSV está malformado (linha %(line)d).") % {"line": reader.line_num}) from exc
    if not rows:
        raise FileRejected(_("O arquivo não tem nenhum livro."))
    return layout, rows


# --- Cleaning values --------------------------------------------------------------------------


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A text cell a spreadsheet would run as a formula gets a leading `'` (OWASP's advice)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def unneutralise_cell(value: str) -> str:
    """Our own export's `'=…` back to `=…`, so an export re-imports to the same library."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def clean_isbn(value: str) -> str:
    """Goodreads writes ISBNs as `="0439023483"` so spreadsheets keep the zeros."""
    return re.sub(r"[^0-9X]", "", (value or "").upper())


def parse_date(value: str) -> date | None:
    match = re.fullmatch(r"\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s*", value or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def round_rating(value: str) -> Decimal | None:
    """Stars to CGBookStore's half steps. Quarter stars round half up (3,25 → 3,5; 3,75 → 4);
    0 or empty means unrated; anything else is clamped to 1–5."""
    try:
        stars = Decimal((value or "").strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not stars.is_finite() or stars <= 0:
        return None
    halves = (stars * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return min(Decimal("5.0"), max(Decimal("1.0"), halves / 2)).quantize(Decimal("0.1"))


def clean_review(value: str) -> str:
    """Goodreads writes line breaks in reviews as <br/>."""
    return re.sub(r"<br\s*/?>", "\n", value or "", flags=re.IGNORECASE).strip()


def clean_shelf_name(value: str) -> str:
    return " ".join(value.split())[:CUSTOM_NAME_MAX]


def _shelves(names: list[str], exclusive: str) -> tuple[bool, list[str]]:
    favorite, custom = False, []
    for name in names:
        name = clean_shelf_name(name)
        if not name or name.casefold() in STATUS_MAP or name.casefold() == exclusive:
            continue
        if name.casefold() in FAVORITES_NAMES:
            favorite = True
        elif name.casefold() not in {shelf.casefold() for shelf in custom}:
            custom.append(name)
    return favorite, custom[:MAX_CUSTOM_SHELVES]


def _positive_int(value: str) -> int | None:
    number = parse_id(value)
    return number if number and number < 2**31 else None


def library_row(layout: str, raw: dict) -> LibraryRow:
    """The meaning of one stored raw row."""
    get = lambda name: unneutralise_cell((raw.get(name) or "").strip())  # noqa: E731
    if layout == GOODREADS:
        exclusive = get("Exclusive Shelf").casefold()
        favorite, custom = _shelves(get("Bookshelves").split(","), exclusive)
        if exclusive and exclusive not in STATUS_MAP:
            custom = [clean_shelf_name(get("Exclusive Shelf")), *custom][:MAX_CUSTOM_SHELVES]
        return LibraryRow(
            title=get("Title"),
            author=get("Author"),
            isbn=clean_isbn(get("ISBN")),
            isbn13=clean_isbn(get("ISBN13")),
            goodreads_id=_positive_int(get("Book Id")),
            rating=round_rating(get("My Rating")),
            review=clean_review(get("My Review")),
            status=STATUS_MAP.get(exclusive, ""),
            favorite=favorite,
            custom_shelves=custom,
            date_read=parse_date(get("Date Read")),
            date_added=parse_date(get("Date Added")),
            pages=_positive_int(get("Number of Pages")),
        )
    isbn = clean_isbn(get("ISBN/UID"))
    favorite, custom = _shelves(get("Tags").split(","), "")
    return LibraryRow(
        title=get("Title"),
        author=get("Authors").split(",")[0].strip(),
        isbn=isbn if len(isbn) == 10 else "",
        isbn13=isbn if len(isbn) == 13 else "",
        rating=round_rating(get("Star Rating")),
        review=clean_review(get("Review")),
        status=STATUS_MAP.get(get("Read Status").casefold(), ""),
        favorite=favorite,
        custom_shelves=custom,
        date_read=parse_date(get("Last Date Read")),
        date_added=parse_date(get("Date Added")),
    )


# --- Matching key -----------------------------------------------------------------------------

SERIES = re.compile(r"\s*\([^()]*#\s*[\d.]+[^()]*\)\s*$")


def normalise(text: str) -> str:
    """Casefolded, accents and punctuation gone, a trailing "(Series, #1)" dropped."""
    text = SERIES.sub("", text or "")
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def title_author_key(title: str, author: str) -> str:
    """The first author only: sites disagree on translators and illustrators."""
    return f"{normalise(title)}|{normalise(author.split(',')[0])}"
