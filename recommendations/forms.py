from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Book, Category
from core.forms import IdsChoiceField

ONBOARDING_BOOKS = 12


class OnboardingForm(forms.Form):
    """A new reader's first tastes: a few genres and books they liked (at least one of either)."""

    categories = IdsChoiceField(
        label=_("Gêneros de que você gosta"),
        queryset=Category.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    books = IdsChoiceField(
        label=_("Livros que você leu e gostou"),
        queryset=Book.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, books: list[Book], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["books"].queryset = Book.objects.filter(pk__in=[book.pk for book in books]).order_by(
            "-ratings_count", "id"
        )

    def clean(self):
        data = super().clean()
        if not data.get("categories") and not data.get("books"):
            raise forms.ValidationError(_("Escolha ao menos um gênero ou um livro para começarmos."))
        return data
