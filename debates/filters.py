"""The debates list's filter, one FilterSet for `/debates/` and `GET /api/v1/topics/`.

Names are the page's (`livro`, `ordem`); the API's English spellings (`book`, `sort`) are
aliases. A malformed book slug is a 404; a well-formed one no book has gives an empty list
(no lookup: the list is served from its cache). An unknown order is the default (`ativos`).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import ListFilter
from core.pagination import SORT_ALIAS, SORT_PARAM
from debates import selectors
from debates.models import DebateTopic


class TopicFilter(ListFilter):
    aliases = {"book": "livro", SORT_ALIAS: SORT_PARAM}
    slug_fields = ("livro",)
    not_found = _("Livro não encontrado.")

    livro = django_filters.CharFilter(label=_("Só os debates deste livro (slug)"), method="_selected")
    ordem = django_filters.CharFilter(
        label=_("Ordem: %(sorts)s") % {"sorts": ", ".join(selectors.TOPIC_SORTS)}, method="_selected"
    )

    class Meta:
        model = DebateTopic
        fields = ["livro", "ordem"]

    @property
    def choices(self) -> dict:
        data = self.form.cleaned_data
        return {
            "book_slug": data.get("livro") or None,
            "sort": selectors.clean_sort(data.get("ordem"), selectors.TOPIC_SORTS),
        }
