"""One pagination policy for every list, on pages and in the API.

- The page is asked for with `?pagina=` on pages; `?page=` is accepted too (older links,
  and the API's own name, where `pagina` is the alias).
- Anything that is not a positive whole number asks for page 1; a number past the end
  gets the last page. A page number is never a 404 (nor a 500).
- Every list is paginated by `paginate` (Django's `Paginator.get_page`, which clamps), or
  for cached pages by `clamped_page`, which clamps with the cached first page's count.
"""

from django.core.paginator import Page, Paginator
from django.http import QueryDict

PAGE_PARAM = "pagina"
PAGE_ALIAS = "page"
SORT_PARAM = "ordem"
SORT_ALIAS = "sort"
# Longer numbers are no page of any list here (and would make int() slow on huge strings).
_MAX_DIGITS = 7


def page_number(value) -> int:
    """A requested page as a number >= 1: anything else is page 1."""
    value = str(value or "")
    if value.isascii() and value.isdigit() and len(value) <= _MAX_DIGITS:
        return max(int(value), 1)
    return 1


def requested_page(params: QueryDict) -> int:
    return page_number(params.get(PAGE_PARAM) or params.get(PAGE_ALIAS))


def requested_sort(params: QueryDict) -> str:
    return params.get(SORT_PARAM) or params.get(SORT_ALIAS) or ""


def paginate(items, *, number: int, per_page: int) -> Page:
    """One page of `items`; past the end is the last page (an empty list has one empty page)."""
    return Paginator(items, per_page).get_page(number)


def clamped_page(number: int, fetch):
    """A cached page (anything with `num_pages`) asked for by number, past the end clamped
    to the last: `fetch(n)` returns page n; page 1 tells how many there are."""
    first = fetch(1)
    if number <= 1 or first.num_pages <= 1:
        return first
    return fetch(min(number, first.num_pages))
