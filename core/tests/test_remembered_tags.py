"""`{% url %}`, `{% translate %}` and `{% static %}` remembered per process (core/templatetags/remembered_*.py):
the same output and errors as Django's own tags."""

import pytest
from django.template import Context, Engine, engines
from django.urls import NoReverseMatch
from django.urls import reverse as django_reverse
from django.utils import translation

from core import reversing
from core.templatetags import remembered_i18n, remembered_static

SOURCES = [
    '{% load i18n %}{% translate "Atividades recentes" %}|{% translate "Remember Me" %}|{% trans "100% lido" %}',
    '{% load i18n %}{% translate "Ver <b>mais</b>" as label %}[{{ label }}]{% translate "Lendo" context "estante" %}',
    '{% load i18n %}{% translate word %}|{% translate "Lidos"|upper %}|{% translate "Abandonados" noop %}',
    "{% load i18n %}{% blocktranslate count n=count %}{{ n }} livro{% plural %}{{ n }} livros{% endblocktranslate %}",
    "{% url 'catalog:book_list' %}|{% url 'accounts:profile' username=name %}|{% url 'nada' as m %}[{{ m }}]",
    "{% load static %}{% static 'css/site.css' %}|{% static file %}|{% static 'a b&c.css' as s %}[{{ s }}]",
]


@pytest.fixture(autouse=True)
def _forget():
    reversing._remembered.cache_clear()
    remembered_i18n._translated.cache_clear()
    remembered_static._url.cache_clear()
    yield


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_remembered_tags_render_as_djangos_own(source, autoescape):
    project = engines["django"].engine
    djangos = Engine(
        libraries={"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"}, autoescape=autoescape
    )
    ours = Engine(libraries=project.libraries, builtins=project.builtins, autoescape=autoescape)
    context = {"word": "Favoritos", "count": 3, "name": "ana&bia", "file": "vendor/htmx/htmx.min.js"}

    with translation.override("pt-br"):
        expected = djangos.from_string(source).render(Context(context, autoescape=autoescape))
        first = ours.from_string(source).render(Context(context, autoescape=autoescape))
        again = ours.from_string(source).render(Context(context, autoescape=autoescape))

    assert first == again == expected


def test_a_constant_message_is_translated_once_per_language():
    template = engines["django"].from_string('{% load i18n %}{% translate "Remember Me" %}')
    with translation.override("pt-br"):
        assert [template.render({}) for _ in range(3)] == ["Lembrar de mim"] * 3

    info = remembered_i18n._translated.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_a_url_is_reversed_once_and_a_missing_one_still_raises():
    template = engines["django"].from_string("{% url 'catalog:book_list' %}")

    assert [template.render({}) for _ in range(3)] == [django_reverse("catalog:book_list")] * 3
    assert reversing._remembered.cache_info().hits == 2
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% url 'nada:aqui' %}").render({})


def test_a_static_url_is_worked_out_once_and_follows_the_settings(settings):
    template = engines["django"].from_string("{% load static %}{% static 'css/site.css' %}")
    first = template.render({})
    assert template.render({}) == first
    assert remembered_static._url.cache_info().hits == 1
    settings.STATIC_URL = "/outro-static/"
    assert template.render({}).startswith("/outro-static/")


def test_i18n_and_static_are_the_only_tag_library_names_given_to_two_modules():
    # Django's templates.W003, silenced in settings for these replacements.
    backend = engines["django"]

    warnings = backend._check_for_template_tags_with_the_same_name()

    assert sorted(warning.msg.split(" is used")[0] for warning in warnings) == ["'i18n'", "'static'"]
