"""`{% book_cover book size %}`: a book's stored cover, or the generated placeholder.

Reads only `book.cover_files` (in the selectors' CARD_FIELDS), `pk` and `title`, so it adds
no query. Sizes:
- "mini": a small thumbnail in lists (64 px wide),
- "small": shelves and compact grids,
- "card": catalog grids (default),
- "large": the book page (eagerly loaded: it is the page's main image).
"""

from django import template
from django.core.files.storage import default_storage
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

# size → (CSS width the picture is shown at, `sizes` attribute, characters of the title on a placeholder)
SIZES = {
    "mini": (64, "64px", 0),
    "small": (160, "(max-width: 420px) 45vw, 160px", 40),
    "card": (200, "(max-width: 420px) 45vw, 220px", 60),
    "large": (220, "220px", 500),
}


def _pick(files: list, width: int) -> list:
    """The narrowest file at least `width` pixels wide (the widest if none is)."""
    return next((entry for entry in files if entry[1] >= width), files[-1])


def _label(title: str, chars: int) -> str:
    """The title on a placeholder, cut to `chars`. Most titles fit: truncatechars would only
    normalize them, at 20 µs a cover."""
    if not chars:
        return ""
    return title if len(title) <= chars else truncatechars(title, chars)


@register.simple_tag
def book_cover(book, size: str = "card"):
    display_width, sizes, title_chars = SIZES.get(size, SIZES["card"])
    files = getattr(book, "cover_files", None)
    classes = "cover" if size == "card" else f"cover {size}"
    if not files:
        label = _label(book.title, title_chars)
        # The colour is a class (static/css/bars.css): the Content-Security-Policy forbids style="".
        return format_html('<div class="{} hue-{}" aria-hidden="true">{}</div>', classes, book.cover_hue, label)
    name, width, height = _pick(files, display_width)
    srcset = ", ".join(f"{default_storage.url(n)} {w}w" for n, w, _h in files)
    large = size == "large"
    return format_html(
        '<img class="{} cover-img" src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'loading="{}"{} decoding="async">',
        classes,
        default_storage.url(name),
        srcset,
        sizes,
        width,
        height,
        # On cards and lists the title is printed next to the cover: no need to read it twice.
        _("Capa de %(title)s") % {"title": book.title} if large else "",
        "eager" if large else "lazy",
        format_html(' fetchpriority="{}"', "high") if large else "",
    )
