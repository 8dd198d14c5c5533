"""The common ground of the list filters: django-filter FilterSets shared by a page and its API list.

Each list's FilterSet lives in its app's `filters.py` and names the parameters as the page
does (pt-BR); the API's English spellings are aliases, and the pt-BR name wins when both
come. The FilterSet parses and validates; the app's selector runs the query. Refusals are
the pages' own, for both: a malformed slug or an unknown named thing (category, tag, shelf)
is a 404, as a wrong link is; an unknown order is the default order; the page number is
core.pagination's business (a bad one is page 1, past the end the last page).
"""

import re
from typing import ClassVar

import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

# What a slug in a link can look like (255: the longest slug field, Book.slug); anything
# else is a 404 before any query.
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,255}")


class ListFilter(django_filters.FilterSet):
    aliases: ClassVar[dict[str, str]] = {}  # alias -> the page's name
    slug_fields: ClassVar[tuple[str, ...]] = ()
    not_found = _("Página não encontrada.")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(self.canonical(data), *args, **kwargs)

    @classmethod
    def canonical(cls, params) -> dict | None:
        """Query parameters under the page's names; a malformed slug is a 404."""
        if params is None:
            return None
        names = set(cls.aliases.values())
        data = {cls.aliases.get(key, key): value for key, value in params.items() if key not in names}
        data.update({key: params[key] for key in names if key in params})
        for name in cls.slug_fields:
            if data.get(name) and not SLUG_RE.fullmatch(data[name]):
                raise Http404(cls.not_found)
        return data

    @classmethod
    def parse(cls, params, *, queryset=None):
        """The page's and the API's filter, validated: anything it cannot take is a 404."""
        filterset = cls(params, queryset=cls._meta.model.objects.none() if queryset is None else queryset)
        if not filterset.is_valid():
            raise Http404(cls.not_found)
        return filterset

    def _selected(self, queryset, name, value: str):  # the hint documents each parameter as text
        return queryset  # the app's selector applies the cleaned choices together

    @property
    def choices(self) -> dict:
        """The cleaned choices, as the selector takes them."""
        raise NotImplementedError


class ListFilterBackend(DjangoFilterBackend):
    """DRF's django-filter backend under the pages' refusals (a 404, not a 400). It also
    documents the FilterSet's parameters in the schema."""

    def filter_queryset(self, request, queryset, view):
        return view.filterset_class.parse(request.query_params, queryset=queryset).qs
