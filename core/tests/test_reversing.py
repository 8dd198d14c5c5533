"""core.reversing.reverse: Django's URLs, each reversed once per process."""

import pytest
from django.urls import get_script_prefix, set_script_prefix
from django.urls import reverse as django_reverse

from core import reversing


@pytest.fixture(autouse=True)
def _forget():
    reversing._remembered.cache_clear()
    yield
    reversing._remembered.cache_clear()


def test_reverse_gives_djangos_url_and_reverses_it_once():
    for _ in range(3):
        assert reversing.reverse("catalog:category_detail", kwargs={"slug": "ficcao"}) == django_reverse(
            "catalog:category_detail", kwargs={"slug": "ficcao"}
        )
        assert reversing.reverse("accounts:review_detail", args=[7]) == django_reverse(
            "accounts:review_detail", args=[7]
        )

    info = reversing._remembered.cache_info()
    assert (info.misses, info.hits) == (2, 4)


def test_script_prefix_is_part_of_what_is_remembered():
    prefix = get_script_prefix()
    try:
        set_script_prefix("/loja/")
        under_prefix = reversing.reverse("catalog:book_list")
    finally:
        set_script_prefix(prefix)

    assert under_prefix == "/loja" + django_reverse("catalog:book_list")
    assert reversing.reverse("catalog:book_list") == django_reverse("catalog:book_list")


def test_arguments_other_than_text_and_numbers_are_reversed_every_time():
    class Slug:
        def __str__(self):
            return "romance"

    url = reversing.reverse("catalog:category_detail", kwargs={"slug": Slug()})

    assert url == django_reverse("catalog:category_detail", kwargs={"slug": "romance"})
    assert reversing._remembered.cache_info().currsize == 0
