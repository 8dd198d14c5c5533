"""What a new username may be: NFKC-normalised, then ASCII letters, digits and `._-` only.

NFKC folds compatibility forms (full-width `ｊｏａｏ` → `joao`); the ASCII rule then
refuses every look-alike from another script (Cyrillic `аdmin`, Greek `ο`) at once, with no
confusables table to keep up to date. Uniqueness is case-insensitive (allauth compares with
`iexact`), so `Joao` cannot sit beside `joao` either.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MESSAGE = _("Use só letras sem acento (a–z), números e . _ - no nome de usuário, começando por letra ou número.")


def normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def validate(value: str) -> None:
    if not ALLOWED.fullmatch(value):
        raise ValidationError(MESSAGE, code="invalid_username")
