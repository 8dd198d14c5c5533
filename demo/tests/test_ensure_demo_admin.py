import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from core.tests.factories import UserFactory

User = get_user_model()


def run(capsys):
    call_command("ensure_demo_admin")
    out = capsys.readouterr().out
    assert out.startswith("Admin: http://127.0.0.1:8000/admin/ usuário admin senha ")
    return out.split()[-1]


@pytest.mark.django_db
def test_creates_a_superuser_that_can_log_in(settings, client, capsys):
    settings.DEBUG, settings.EMBEDDED = False, True
    password = run(capsys)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert client.login(username="admin", password=password)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_resets_an_existing_admin_with_a_new_password(settings, capsys):
    settings.DEBUG, settings.EMBEDDED = True, False
    UserFactory(username="admin", is_staff=False)
    first = run(capsys)
    second = run(capsys)
    admin = User.objects.get(username="admin")
    assert first != second
    assert admin.is_superuser and admin.check_password(second) and not admin.check_password(first)
    assert User.objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_refuses_outside_debug_and_embedded(settings):
    settings.DEBUG, settings.EMBEDDED = False, False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("ensure_demo_admin")
    assert not User.objects.filter(username="admin").exists()
