from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.services import MAX_PAGES


class BookPagesForm(forms.Form):
    """A librarian's correction of a book's page count (empty clears it)."""

    pages = forms.IntegerField(
        label=_("Páginas"),
        min_value=1,
        max_value=MAX_PAGES,
        required=False,
        help_text=_("Deixe em branco se não souber."),
        error_messages={"invalid": _("Informe um número inteiro de páginas.")},
    )
