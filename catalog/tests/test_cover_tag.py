"""`{% book_cover %}`: a placeholder cover shows the title, cut to the size's characters (none
on a mini)."""

from catalog.models import Book
from catalog.templatetags.covers import SIZES, book_cover


def test_a_placeholder_shows_the_title_cut_to_its_size():
    short, long = Book(pk=1, title="Duna"), Book(pk=2, title="Uma história " * 10)
    assert book_cover(short, "card").endswith('aria-hidden="true">Duna</div>')
    label = str(book_cover(long, "small")).split('aria-hidden="true">')[1].removesuffix("</div>")
    assert len(label) == SIZES["small"][2] and label.endswith("…")
    assert book_cover(short, "mini").endswith('aria-hidden="true"></div>')
