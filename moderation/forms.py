from django import forms
from django.utils.translation import gettext_lazy as _

from moderation import services
from moderation.models import PostReport


class FlagForm(forms.Form):
    """Pin/unpin, lock/unlock: value "1" sets the flag, "0" clears it."""

    value = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motivo"),
        choices=PostReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Escolha um motivo da lista."), "required": _("Escolha um motivo.")},
    )
    text = forms.CharField(
        label=_("Detalhes"),
        required=False,
        max_length=services.REPORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Opcional: conte à moderação o que está errado."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo (aparece no lugar da mensagem)"),
        max_length=services.REASON_MAX_LENGTH,
        error_messages={"required": _("Informe o motivo.")},
    )


class SuspendForm(forms.Form):
    days = forms.IntegerField(label=_("Dias (vazio: até ser removida)"), required=False, min_value=1, max_value=3650)
    reason = forms.CharField(
        label=_("Motivo"), max_length=services.REASON_MAX_LENGTH, error_messages={"required": _("Informe o motivo.")}
    )
