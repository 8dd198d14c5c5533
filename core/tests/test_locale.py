"""The project's locale corrects django-allauth's pt-BR where it is wrong or untranslated."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import HttpResponse
from django.utils import translation
from django.utils.timesince import timesince

from accounts.models import BookShelf
from core import i18n
from core.middleware import LocaleMiddleware
from core.privacy import Visibility

pytestmark = pytest.mark.django_db


def test_login_page_speaks_portuguese(client):
    html = client.get("/conta/login/").content.decode()
    assert "Lembrar de mim" in html
    assert "Lembrar de Mim" not in html


def test_signup_page_has_no_english_left(client):
    html = client.get("/conta/signup/").content.decode()
    assert "Já tem uma conta?" in html
    assert "sign in" not in html.lower()


def test_choice_labels_are_translated_once_per_language():
    i18n._labels.cache_clear()
    with translation.override("pt-br"):
        labels = [i18n.choice_label(BookShelf.ShelfType, BookShelf.ShelfType.READ) for _ in range(3)]
        visibility = i18n.choice_label(Visibility, Visibility.PUBLIC)

    assert labels == [str(BookShelf.ShelfType.READ.label)] * 3 == ["Lidos"] * 3
    assert visibility == str(Visibility.PUBLIC.label)
    assert i18n._labels.cache_info().misses == 2  # one per set of choices


@pytest.mark.parametrize("language", ["pt-br", "en"])
def test_time_spans_read_as_djangos_in_every_unit(language):
    """From seconds to years, calendar months included (Django's own algorithm still runs)."""
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    spans = [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=59), timedelta(hours=1, minutes=1)]
    spans += [timedelta(days=1), timedelta(days=9, hours=3), timedelta(days=31), timedelta(days=400, hours=5)]
    with translation.override(language):
        for span in spans:
            assert i18n.time_since(now - span, now) == timesince(now - span, now)
    with translation.override("pt-br"):
        assert i18n.time_since(now - timedelta(hours=2, minutes=5), now) == "2\xa0horas, 5\xa0minutos"


def _language_of(request):
    return HttpResponse(f"{request.LANGUAGE_CODE} {translation.get_language()}")


def test_one_language_is_served_without_negotiating_an_accept_language(rf):
    response = LocaleMiddleware(_language_of)(rf.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert response["Content-Language"] == "pt-br"
    assert response.content.decode() == "pt-br pt-br"
    assert "Accept-Language" not in response.get("Vary", "")


def test_a_second_language_is_negotiated_as_django_does(rf, settings):
    from core.middleware import LocaleMiddleware

    settings.LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English")]
    response = LocaleMiddleware(_language_of)(rf.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert response["Content-Language"] == "en"
    assert response.content.decode() == "en en"
    assert "Accept-Language" in response["Vary"]
