from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BookShelf, Profile
from accounts.models.book_review import RATING_CHOICES
from accounts.services import CUSTOM_NAME_MAX
from catalog.models import Category


class ProfileForm(forms.ModelForm):
    favorite_categories = forms.ModelMultipleChoiceField(
        label=_("Categorias favoritas"),
        queryset=Category.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = ["bio", "shelves_public", "favorite_categories"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}
        help_texts = {"shelves_public": _("Outros leitores podem ver as suas estantes e estatísticas.")}


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
    is_public = forms.BooleanField(
        label=_("Resenha pública"),
        required=False,
        initial=True,
        help_text=_("Resenhas privadas escondem o texto, mas a nota conta na média do livro."),
    )
