"""The shelf lists' filter, one FilterSet for a reader's shelf page and `GET /api/v1/me/shelves/`.

Names are the page's (`estante`, `nome`, `ordem`); the API's English spellings
(`shelf_type`, `custom_name`, `sort`) are aliases. An unknown shelf, or a name longer than
any shelf's, is a 404 (no such shelf); an unknown order is the default (newest added first).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.models import BookShelf
from core.filters import ListFilter
from core.limits import model_limit
from core.pagination import SORT_ALIAS, SORT_PARAM

ShelfType = BookShelf.ShelfType


class ShelfFilter(ListFilter):
    aliases = {"shelf_type": "estante", "custom_name": "nome", SORT_ALIAS: SORT_PARAM}
    not_found = _("Estante não encontrada.")

    estante = django_filters.ChoiceFilter(label=_("Uma estante"), choices=ShelfType.choices, method="_selected")
    nome = django_filters.CharFilter(
        label=_("O nome de uma estante personalizada (com estante=custom)"),
        max_length=model_limit(BookShelf, "custom_name"),
        method="_selected",
    )
    ordem = django_filters.CharFilter(
        label=_("Ordem: %(sorts)s (um - na frente inverte)") % {"sorts": ", ".join(selectors.SHELF_SORTS)},
        method="_selected",
    )

    class Meta:
        model = BookShelf
        fields = ["estante", "nome", "ordem"]

    @property
    def choices(self) -> dict:
        data = self.form.cleaned_data
        shelf_type = data.get("estante") or ""
        return {
            "shelf_type": shelf_type,
            # A name picks one custom shelf; other shelves have none.
            "custom_name": (data.get("nome") or "") if shelf_type == ShelfType.CUSTOM else "",
            "sort": selectors.clean_shelf_sort(data.get("ordem")),
        }
