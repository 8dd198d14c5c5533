"""Curated pt-BR categories, mapped from goodbooks' reader-made genre shelves.

goodbooks lists ~600 shelf names ("sci-fi-fantasy", "to-read-non-fiction", "ya"); a reader
browses a short list. Each shelf name is split on "-" and matched word by word, so
"historical-non-fiction" is not "Ficção histórica" and "science-fiction" is not "Ciência".
"""

import re
from functools import cache

from django.utils.text import slugify

# (name, patterns): a pattern matches whole "-"-separated words of the genre name.
CATEGORIES: list[tuple[str, list[str]]] = [
    (
        "Fantasia",
        ["fantasy", "magic", "magical", "dragons?", "witch(es|craft)?", "wizards?", "fairy-tales", "mythology"],
    ),
    (
        "Ficção científica",
        ["sci-fi", "scifi", "science-fiction", "sciencefiction", "sf", "space", "aliens", "cyberpunk", "dystopia"],
    ),
    ("Romance", ["romance", "romances", "romantic", "love-story", "chick-lit"]),
    ("Mistério", ["myster(y|ies)", "detectives?", "crime", "noir", "cozy", "murder", "forensic"]),
    ("Suspense", ["thrillers?", "suspense"]),
    ("Terror", ["horror", "ghosts?", "gothic", "creepy"]),
    ("Clássicos", ["classics?", "classical"]),
    ("Ficção histórica", ["historical-fiction", "historicalfiction", "historic-fiction", "historical-novels?"]),
    ("Não ficção", ["non-fiction", "nonfiction", "true-crime", "psychology"]),
    ("Biografia", ["biography", "biographies", "memoirs?", "autobiography", "auto-biography", "bios?"]),
    ("História", ["history", "microhistory", "world-war-(ii|2|two|ll)", "cold-war", "civil-war"]),
    ("Jovem adulto", ["ya", "young-adults?", "teens?", "teenlit", "teen-lit", "new-adult"]),
    ("Infantil", ["children", "childrens", "children-s", "childrensbooks", "middle-grades?", "juvenile", "kids"]),
    ("Poesia", ["poetry"]),
    ("Humor", ["humou?r", "comedy", "funny", "comic-fantasy"]),
    ("Autoajuda", ["self-help", "self-improvement", "personal-development"]),
    ("Religião", ["christian", "christianfiction", "religion", "religious", "spirituality", "theology"]),
    ("Negócios", ["business", "economics", "finance", "management", "leadership"]),
    ("Ciência", ["science(?!-fiction|-fantasy|-and-fantasy)", "natural-history", "biology", "physics"]),
    ("Quadrinhos", ["comics?(?!-fantasy)", "graphic-novels?", "mangas?", "manhwa"]),
]

# Shelves whose words say one thing and mean another.
OVERRIDES: dict[str, set[str]] = {
    "alternate-history": {"Ficção científica"},
    "alternative-history": {"Ficção científica"},
    "alt-history": {"Ficção científica"},
    "history-fiction": {"Ficção histórica"},
    "historical": {"Ficção histórica"},
    "historicals": {"Ficção histórica"},
    "historical-fic": {"Ficção histórica"},
    "fiction-historical": {"Ficção histórica"},
}

_COMPILED = [(name, re.compile(rf"(^|-)({'|'.join(patterns)})(-|$)")) for name, patterns in CATEGORIES]


def category_slug(name: str) -> str:
    return slugify(name)


@cache
def categories_for_genre(genre: str) -> frozenset[str]:
    """The category names a goodbooks genre shelf belongs to (often none: "to-read", "owned")."""
    if genre in OVERRIDES:
        return frozenset(OVERRIDES[genre])
    return frozenset(name for name, pattern in _COMPILED if pattern.search(genre))
