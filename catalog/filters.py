"""The catalog's list filters, one FilterSet for the page and the API (core.filters).

Names are the pages' pt-BR ones (`q`, `categoria`, `tag`, `ordem`); the older English
spellings (`category`, `sort`) are accepted as aliases. A malformed or unknown category or
tag is a 404 (as a wrong link is), an unknown order is the default order, and the search
text is cleaned (control characters out, at most MAX_QUERY_LENGTH characters).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from catalog import selectors
from catalog.models import Book, Category, Tag
from core.filters import ListFilter
from core.pagination import SORT_ALIAS, SORT_PARAM


class BookFilter(ListFilter):
    aliases = {"category": "categoria", SORT_ALIAS: SORT_PARAM}
    slug_fields = ("categoria", "tag")
    not_found = _("Categoria ou tag não encontrada.")

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

    @classmethod
    def canonical(cls, params) -> dict | None:
        data = super().canonical(params)
        if data is not None:
            data["q"] = selectors.clean_query(data.get("q"))  # NUL and control characters never reach the form
        return data

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
