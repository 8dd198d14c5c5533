"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

from core.http import parse_id


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose values that are no ids (`99999999999999999999`, `²`)
    are a form error before any query: SQLite raises OverflowError on an integer past 64 bits."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
