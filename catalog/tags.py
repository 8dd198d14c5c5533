"""Normalise goodbooks' reader-made shelf names into tags, and name languages in pt-BR.

goodbooks gives a book up to ~30 shelf names, many of them one genre spelt several ways
("children", "children-s", "childrens-books", "to-read-children", "favorite-children-s-books")
or a reader's own bookkeeping ("to-read", "owned"). `normalise_tag` folds the spelling, drops
the bookkeeping words and maps known variants onto one name (MERGE), so a book page shows
"children" once.
"""

import re

from django.utils.translation import gettext_lazy as _

# Reading-status words readers put before or after a genre ("to-read-fantasy", "manga-i-own").
_PREFIXES = ("to-read", "read", "favorite", "favorites", "favourite", "owned", "books-for", "my")
_SUFFIXES = ("i-ve-read", "to-read", "i-own", "read", "owned", "books", "book", "reads")
# Shelves that say nothing about the book once those words are gone.
_DROP = {
    "",
    "to-read",
    "currently-reading",
    "default",
    "kindle",
    "ebook",
    "ebooks",
    "audiobook",
    "audiobooks",
    "library",
    "wish-list",
    "wishlist",
    "re-read",
    "i-own",
    "own",
    "owned",
    "favorites",
    "favourites",
}

# canonical name: its variants (after the folding above).
_CANONICAL = {
    "children": [
        "childrens",
        "kids",
        "juvenile",
        "juvenile-fiction",
        "childrens-fiction",
        "children-fiction",
        "childrens-lit",
        "childrens-literature",
        "children-lit",
        "children-literature",
    ],
    "young-adult": [
        "ya",
        "young-adults",
        "young-adult-fiction",
        "ya-fiction",
        "teen",
        "teens",
        "teen-fiction",
        "ya-lit",
        "young-adult-lit",
        "young-adult-literature",
    ],
    "sci-fi": ["scifi", "science-fiction", "sf"],
    "sci-fi-fantasy": [
        "fantasy-sci-fi",
        "scifi-fantasy",
        "science-fiction-fantasy",
        "fantasy-scifi",
        "sci-fi-and-fantasy",
        "sf-fantasy",
        "fantasy-science-fiction",
    ],
    "non-fiction": ["nonfiction", "adult-non-fiction", "adult-nonfiction"],
    "classics": ["classic", "the-classics", "classic-literature", "classic-fiction"],
    "memoir": [
        "memoirs",
        "biography-memoir",
        "memoir-biography",
        "bio-memoir",
        "autobiography-memoir",
        "biographies-memoirs",
        "memoirs-biographies",
    ],
    "biography": ["biographies", "bio", "biography-autobiography"],
    "thriller": ["thrillers"],
    "mystery-thriller": [
        "thriller-mystery",
        "mystery-thrillers",
        "mystery-thrillers",
        "mystery-suspense",
        "suspense-thriller",
        "thriller-suspense",
    ],
    "crime-mystery": ["mystery-crime"],
    "contemporary": ["contemporary-fiction"],
    "womens-fiction": ["women-fiction"],
    "fantasy": ["fantasy-fiction", "fiction-fantasy"],
    "paranormal-fantasy": ["fantasy-paranormal"],
    "manga": ["mangas"],
    "comics": ["comic", "comic-books"],
    "graphic-novels": [
        "graphic-novel",
        "graphic-novels-comics",
        "comics-graphic-novels",
        "graphic-novels-comic-books",
        "comic-books-graphic-novels",
    ],
}
MERGE = {variant: canonical for canonical, variants in _CANONICAL.items() for variant in variants}


def _strip_words(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if name.startswith(prefix + "-"):
                name, changed = name[len(prefix) + 1 :], True
        for suffix in _SUFFIXES:
            if name.endswith("-" + suffix):
                name, changed = name[: -len(suffix) - 1], True
    return name


def normalise_tag(raw: str) -> str | None:
    """The tag a goodbooks shelf name stands for ("children-s-books" → "children"), or None."""
    name = re.sub(r"[^a-z0-9]+", "-", raw.strip().lower()).strip("-")
    name = re.sub(r"(?<=[a-z])-s(?=-|$)", "s", name)  # "children-s" → "childrens"
    if name not in _DROP:
        name = _strip_words(name)
    if name in _DROP:
        return None
    return MERGE.get(name, name)[:100]


def normalise_tags(raw_names: list[str]) -> list[str]:
    """Each distinct normalised tag once, in first-seen order."""
    return list(dict.fromkeys(tag for tag in map(normalise_tag, raw_names) if tag))


# goodbooks' language codes (ISO 639-2 and a few BCP 47) → pt-BR names.
LANGUAGE_NAMES = {
    "en": _("Inglês"),
    "eng": _("Inglês"),
    "spa": _("Espanhol"),
    "es": _("Espanhol"),
    "fre": _("Francês"),
    "fra": _("Francês"),
    "fr": _("Francês"),
    "ger": _("Alemão"),
    "deu": _("Alemão"),
    "de": _("Alemão"),
    "ita": _("Italiano"),
    "it": _("Italiano"),
    "por": _("Português"),
    "pt": _("Português"),
    "jpn": _("Japonês"),
    "ara": _("Árabe"),
    "ind": _("Indonésio"),
    "per": _("Persa"),
    "fas": _("Persa"),
    "pol": _("Polonês"),
    "nor": _("Norueguês"),
    "dan": _("Dinamarquês"),
    "fil": _("Filipino"),
    "nl": _("Holandês"),
    "dut": _("Holandês"),
    "vie": _("Vietnamita"),
    "tur": _("Turco"),
    "swe": _("Sueco"),
    "rum": _("Romeno"),
    "ron": _("Romeno"),
    "rus": _("Russo"),
    "chi": _("Chinês"),
    "zho": _("Chinês"),
    "kor": _("Coreano"),
    "heb": _("Hebraico"),
    "gre": _("Grego"),
    "mul": _("Vários idiomas"),
}


def language_name(code: str) -> str:
    """ "Inglês" for "eng", "en-US" or "en-GB"; an unknown code is shown as it is."""
    if not code:
        return ""
    return str(LANGUAGE_NAMES.get(code.lower()) or LANGUAGE_NAMES.get(code.split("-")[0].lower()) or code)
