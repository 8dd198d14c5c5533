from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BookShelf, Profile
from accounts.models.book_review import RATING_CHOICES
from accounts.services import CUSTOM_NAME_MAX
from catalog.models import Category
from core.privacy import Visibility


class ProfileForm(forms.ModelForm):
    favorite_categories = forms.ModelMultipleChoiceField(
        label=_("Categorias favoritas"),
        queryset=Category.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = ["bio", "favorite_categories"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}


class ShelfForm(forms.Form):
    ACTIONS = [("add", _("Adicionar")), ("remove", _("Remover"))]

    action = forms.ChoiceField(choices=ACTIONS, initial="add")
    shelf_type = forms.ChoiceField(label=_("Estante"), choices=BookShelf.ShelfType.choices)
    custom_name = forms.CharField(label=_("Nome da estante"), max_length=CUSTOM_NAME_MAX, required=False)


class ProgressStartForm(forms.Form):
    total_pages = forms.IntegerField(label=_("Total de páginas"), min_value=1, max_value=100000)


class ProgressForm(forms.Form):
    current_page = forms.IntegerField(label=_("Página atual"), min_value=0, max_value=100000)
    total_pages = forms.IntegerField(label=_("Total de páginas"), min_value=1, max_value=100000, required=False)
    deadline = forms.DateField(
        label=_("Prazo"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=_("Notas (só você vê)"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Nota"), choices=RATING_CHOICES, coerce=Decimal)
    title = forms.CharField(label=_("Título"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Resenha"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    contains_spoilers = forms.BooleanField(label=_("Contém spoilers"), required=False)
    would_recommend = forms.BooleanField(label=_("Eu recomendaria"), required=False, initial=True)
    # Optional so a post without it (an older form, a script) keeps the review's visibility.
    visibility = forms.TypedChoiceField(
        label=_("Quem vê a resenha"),
        choices=Visibility.choices,
        required=False,
        empty_value=None,
        initial=Visibility.PUBLIC,
        help_text=_(
            "Só com o link: fora das listas, aberta a quem tiver o link. Privada: só você. "
            "A nota conta na média do livro em todos os casos, sem mostrar quem deu."
        ),
    )


class ShelfVisibilityForm(forms.Form):
    shelf_type = forms.ChoiceField(choices=BookShelf.ShelfType.choices)
    custom_name = forms.CharField(max_length=CUSTOM_NAME_MAX, required=False)
    visibility = forms.ChoiceField(label=_("Quem vê esta estante"), choices=Visibility.choices)
