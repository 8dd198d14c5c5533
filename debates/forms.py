from django import forms
from django.utils.translation import gettext_lazy as _

from debates import services


class TopicForm(forms.Form):
    title = forms.CharField(
        label=_("Título"), min_length=services.TITLE_MIN_LENGTH, max_length=services.TITLE_MAX_LENGTH
    )
    description = forms.CharField(
        label=_("Descrição"),
        required=False,
        max_length=services.DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    first_post = forms.CharField(
        label=_("Primeira mensagem"),
        required=False,
        max_length=services.CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Opcional: abra o debate com a sua opinião."),
    )


class PostForm(forms.Form):
    content = forms.CharField(
        label=_("Mensagem"),
        max_length=services.CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Escreva uma mensagem.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=[("1", "+1"), ("-1", "-1")], coerce=int)
    page = forms.IntegerField(required=False, min_value=1)
