from django import forms
from django.utils.translation import gettext_lazy as _

from core.privacy import Visibility
from library.formats import MAX_FILE_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Arquivo CSV (Goodreads ou StoryGraph)"),
        max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("O arquivo passa de %(max)d MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)})
        return upload


class GoalForm(forms.Form):
    year = forms.IntegerField(label=_("Ano"), min_value=1900, max_value=2100)
    books = forms.IntegerField(label=_("Livros"), min_value=1, max_value=1000)
    pages = forms.IntegerField(label=_("Páginas (opcional)"), min_value=1, max_value=1_000_000, required=False)
    visibility = forms.ChoiceField(
        label=_("Quem vê a meta"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        help_text=_("Pública: no seu perfil. Só com o link: fora do perfil, aberta a quem tiver o link."),
    )


class ResolveForm(forms.Form):
    book = forms.IntegerField(min_value=1)
