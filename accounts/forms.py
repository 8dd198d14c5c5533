from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BookReview, BookShelf, Profile, ReadingProgress
from accounts.models.book_review import RATING_CHOICES
from accounts.services import CUSTOM_NAME_MAX
from catalog.models import Category
from core.forms import IdsChoiceField
from core.limits import model_limit
from core.privacy import Visibility


class ProfileForm(forms.ModelForm):
    favorite_categories = IdsChoiceField(
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
        label=_("Notas (só você vê)"),
        max_length=model_limit(ReadingProgress, "notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StarRatingWidget(forms.RadioSelect):
    """Radio inputs drawn as half stars (CSS only): keyboard and screen readers see plain radios."""

    template_name = "accounts/widgets/star_rating.html"

    def format_value(self, value):
        # A stored 4.0 must check the "4" star; anything unparsable checks none.
        return [_rating_value(v) for v in super().format_value(value)]

    def create_option(self, name, value, *args, **kwargs):
        # Which part of a star the option draws: 1 is a whole star, then half by half.
        option = super().create_option(name, value, *args, **kwargs)
        option["part"] = "whole" if value == 1 else ("left" if value % 1 else "right")
        return option


def _rating_value(value: str) -> str:
    try:
        return str(Decimal(value).normalize())
    except ArithmeticError:
        return value


class ReviewForm(forms.Form):
    # No initial value: a review is never published with a rating the reader did not pick.
    rating = forms.TypedChoiceField(
        label=_("Nota"),
        choices=RATING_CHOICES,
        coerce=Decimal,
        widget=StarRatingWidget,
        help_text=_("De 1 a 5 estrelas; meia estrela também vale."),
        error_messages={"required": _("Escolha uma nota de 1 a 5 estrelas antes de publicar.")},
    )
    title = forms.CharField(
        label=_("Título"), max_length=model_limit(BookReview, "title"), required=False, help_text=_("Opcional.")
    )
    text = forms.CharField(
        label=_("Resenha"),
        max_length=model_limit(BookReview, "text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Opcional. Conte o que achou, sem pressa."),
    )
    contains_spoilers = forms.BooleanField(
        label=_("Contém spoilers"), required=False, help_text=_("O texto fica escondido até o leitor pedir.")
    )
    would_recommend = forms.BooleanField(label=_("Eu recomendaria este livro"), required=False)
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
