"""The catalog's search helpers.

- Full text (PostgreSQL): `cgb_unaccent` is the `simple` configuration with accents folded
  (migration 0003), so "solidao" finds "Solidão" and "jose saramago" finds "José Saramago".
  No stemming: titles and names are proper nouns more than prose.
- Typos (PostgreSQL): pg_trgm word similarity on the unaccented title, author names and
  author name (migration 0005: the immutable `cgb_unaccent(text)` function and GIN trigram
  indexes on it), when full text finds nothing. SQLite gets a difflib version.
- Portuguese titles: a short list of well-known translated titles (the catalog is mostly
  English) maps "senhor dos aneis" to "lord of the rings".
"""

import difflib
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Func, TextField

SEARCH_CONFIG = "cgb_unaccent"
WORD_RE = re.compile(r"[^\W_]+")
# SQLite fallback: a book matches when its words are this close to the query's, on average.
FUZZY_CUTOFF = 0.75

# Folded pt-BR title → the original words the catalog has (only titles present in goodbooks).
TRANSLATED_TITLES = {
    "senhor dos aneis": "lord of the rings",
    "sociedade do anel": "fellowship of the ring",
    "as duas torres": "two towers",
    "o retorno do rei": "return of the king",
    "o hobbit": "hobbit",
    "jogos vorazes": "hunger games",
    "em chamas": "catching fire",
    "a esperanca": "mockingjay",
    "crepusculo": "twilight",
    "cronicas de narnia": "chronicles of narnia",
    "a culpa e das estrelas": "fault in our stars",
    "o pequeno principe": "little prince",
    "orgulho e preconceito": "pride and prejudice",
    "o codigo da vinci": "da vinci code",
    "cem anos de solidao": "one hundred years of solitude",
    "o apanhador no campo de centeio": "catcher in the rye",
    "a menina que roubava livros": "book thief",
    "o alquimista": "alchemist",
    "a guerra dos tronos": "game of thrones",
    "o sol e para todos": "to kill a mockingbird",
    "o grande gatsby": "great gatsby",
    "a revolucao dos bichos": "animal farm",
    "admiravel mundo novo": "brave new world",
    "o diario de anne frank": "diary of a young girl",
    "a pedra filosofal": "sorcerer's stone",
    "o prisioneiro de azkaban": "prisoner of azkaban",
}


def book_search_vector(title="title", author_names="author_names") -> SearchVector:
    """What `Book.search_vector` holds: title and author names (field names or expressions)."""
    return SearchVector(title, author_names, config=SEARCH_CONFIG)


def book_search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


class Unaccent(Func):
    """`cgb_unaccent(expr)`: the immutable wrapper the trigram indexes are built on."""

    function = "cgb_unaccent"
    output_field = TextField()


def fold(text: str) -> str:
    """Lower case without accents: "Anéis" → "aneis" (Python side of `cgb_unaccent`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return WORD_RE.findall(fold(text))


def translated_title(query: str) -> str:
    """`query` with a known Portuguese title replaced by the original's words, or ""."""
    folded = " ".join(words(query))
    for portuguese, original in TRANSLATED_TITLES.items():
        if re.search(rf"\b{portuguese}\b", folded):
            return re.sub(rf"\b{portuguese}\b", original, folded)
    return ""


def word_matchers(query: str) -> list[difflib.SequenceMatcher]:
    """One matcher per query word (difflib caches its analysis of the fixed side)."""
    return [difflib.SequenceMatcher(None, b=word, autojunk=False) for word in words(query)[:10]]


def fuzzy_score(matchers: list[difflib.SequenceMatcher], text: str) -> float:
    """How well `text` covers the query's words, 0–1: each query word's best difflib ratio, averaged."""
    candidates = set(words(text))
    if not matchers or not candidates:
        return 0.0
    total = 0.0
    for matcher in matchers:
        best = 0.0
        for other in candidates:
            matcher.set_seq1(other)
            # The cheap upper bounds skip most words before the exact ratio.
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
        total += best
    return total / len(matchers)


def did_you_mean(query: str, texts: list[str]) -> str:
    """The query with each unknown word replaced by the closest word of `texts` ("" if none changes)."""
    vocabulary = {word for text in texts for word in words(text)}
    original = words(query)
    corrected = [
        word if word in vocabulary else next(iter(difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.7)), word)
        for word in original
    ]
    return " ".join(corrected) if corrected != original else ""
