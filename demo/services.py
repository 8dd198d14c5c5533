import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction


class DemoAdminRefused(Exception):
    pass


@transaction.atomic
def demo_admin_ensure(*, username: str = "admin") -> str:
    """Create or reset the embedded default's superuser; returns its new random password.

    Only for a local demo: a known admin account must never appear on a real deployment.
    """
    if not (settings.DEBUG or getattr(settings, "EMBEDDED", False)):
        raise DemoAdminRefused("ensure_demo_admin só roda com DEBUG ou CGB_EMBEDDED ligados.")
    password = secrets.token_urlsafe(9)
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@exemplo.com.br"}
    )
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    return password
