"""The project's locale corrects django-allauth's pt-BR where it is wrong or untranslated."""

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_speaks_portuguese(client):
    html = client.get("/conta/login/").content.decode()
    assert "Lembrar de mim" in html
    assert "Lembrar de Mim" not in html


def test_signup_page_has_no_english_left(client):
    html = client.get("/conta/signup/").content.decode()
    assert "Já tem uma conta?" in html
    assert "sign in" not in html.lower()
