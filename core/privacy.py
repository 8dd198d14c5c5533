"""Who may see a reader's item (a shelf, a review, a reading goal).

- public: listed everywhere (profile, book page, stats, API) and reachable by anyone;
- unlisted: listed nowhere, but anyone holding its share link can open it;
- private: only its owner ever sees it.

A share link carries a signature of the item (`?k=...`), so an unlisted item cannot be
found by walking ids, and no token column is stored: making the item private again
closes every link already shared, and rotating SECRET_KEY closes them all.
"""

from django.core import signing
from django.db import models
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

SHARE_PARAM = "k"


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Pública")
    UNLISTED = "unlisted", _("Só com o link")
    PRIVATE = "private", _("Privada")


def share_token(kind: str, item_id: object) -> str:
    """The signature that opens one unlisted item; `kind` keeps a review's token from opening a goal."""
    return signing.Signer(salt=f"cgbookstore.share.{kind}").signature(str(item_id))


def can_view(*, visibility: str, is_owner: bool, kind: str, item_id: object, token: str | None) -> bool:
    if is_owner or visibility == Visibility.PUBLIC:
        return True
    if visibility == Visibility.UNLISTED and token:
        return constant_time_compare(token, share_token(kind, item_id))
    return False
