"""The catalog's list filters, one FilterSet for the page and the API (django-filter).

Names are the pages' pt-BR ones (`q`, `categoria`, `tag`, `ordem`); the older English
spellings (`category`, `sort`) are accepted as aliases. A malformed or unknown category or
tag is a 404 (as a wrong link is), an unknown order is the default order, and the search
text is cleaned (control characters out, at most MAX_QUERY_LENGTH characters).
"""

import re

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from catalog import selectors
from catalog.models import Book, Category, Tag
from core.pagination import SORT_ALIAS, SORT_PARAM

ALIASES = {"category": "categoria", SORT_ALIAS: SORT_PARAM}
SLUG_FIELDS = ("categoria", "tag")
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,100}")


class BookFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Título ou autor"), method="_selected")
    categoria = django_filters.ModelChoiceFilter(
        label=_("Slug de uma categoria"),
        queryset=Category.objects.only("name", "slug"),
        to_field_name="slug",
        method="_selected",
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Slug de uma tag"), queryset=Tag.objects.only("name", "slug"), to_field_name="slug", method="_selected"
    )
    ordem = django_filters.CharFilter(
        label=_("Ordem: %(sorts)s") % {"sorts": ", ".join(selectors.SORTS)}, method="_selected"
    )

    class Meta:
        model = Book
        fields = ["q", "categoria", "tag", "ordem"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(canonical(data), *args, **kwargs)

    def _selected(self, queryset, name, value: str):  # the hint documents each parameter as text
        return queryset  # each field is applied together with the others in filter_queryset

    @property
    def choices(self) -> dict:
        """The cleaned choices, as the page shows them."""
        data = self.form.cleaned_data
        return {
            "q": selectors.clean_query(data.get("q")),
            "sort": selectors.clean_sort(data.get("ordem")),
            "category": data.get("categoria"),
            "tag": data.get("tag"),
        }

    def filter_queryset(self, queryset):
        # The catalog's selector owns the query (full-text search, ranking, indexes).
        return selectors.book_list(**self.choices)


def canonical(params) -> dict | None:
    """Query parameters under their pt-BR names; a malformed slug is a 404 before any query."""
    if params is None:
        return None
    data = {ALIASES.get(key, key): value for key, value in params.items() if key not in ALIASES.values()}
    data.update({key: params[key] for key in ALIASES.values() if key in params})
    data["q"] = selectors.clean_query(data.get("q"))  # NUL and control characters never reach the form
    for name in SLUG_FIELDS:
        if data.get(name) and not SLUG_RE.fullmatch(data[name]):
            raise Http404(_("Categoria ou tag não encontrada."))
    return data


def book_filter(params) -> BookFilter:
    """The page's and the API's filter: 404 for an unknown category or tag."""
    filterset = BookFilter(params, queryset=Book.objects.none())
    if not filterset.is_valid():
        raise Http404(_("Categoria ou tag não encontrada."))
    return filterset


class CatalogFilterBackend(DjangoFilterBackend):
    """DRF's django-filter backend under the page's rule: an unknown slug is a 404, not a 400."""

    def filter_queryset(self, request, queryset, view):
        return book_filter(request.query_params).qs
