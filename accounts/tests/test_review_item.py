"""A review in a list, as accounts.widgets.review_item builds it: rating in stars and words,
author, date, the moderation's note instead of the words of a hidden review, spoilers folded,
text escaped with its line breaks. Unsaved rows: no database needed."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.safestring import mark_safe

from accounts.models import BookReview
from accounts.widgets import review_item


@pytest.fixture(autouse=True)
def _pt_br():
    with translation.override("pt-br"):
        yield


def _review(**fields):
    user = get_user_model()(pk=3, username="ana")
    defaults = {"rating": Decimal("4.5"), "title": "Ótimo <livro>", "text": "Linha 1\nLinha <2>"}
    at = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    return BookReview(pk=8, user=user, created_at=at, **(defaults | fields))


def test_a_review_shows_its_rating_author_date_title_and_text():
    html = review_item(_review(would_recommend=True), mark_safe("<bits>"))
    assert html.startswith('<li class="review" id="resenha-8">')
    assert '<span class="stars" aria-hidden="true">★★★★½</span>' in html
    assert '<span class="visually-hidden">4,5 de 5</span>' in html
    assert '<a href="/leitores/ana/">ana</a>' in html and '<a href="/leitores/resenhas/8/">04/03/2026</a>' in html
    assert '<span class="badge">recomenda</span>' in html
    assert "<strong>Ótimo &lt;livro&gt;</strong>" in html and "<p>Linha 1<br>Linha &lt;2&gt;</p>" in html
    assert html.endswith("<bits>\n</li>")


def test_spoilers_are_folded_and_a_hidden_review_shows_only_the_note():
    folded = review_item(_review(contains_spoilers=True), mark_safe(""))
    assert '<details class="spoiler"><summary>Contém spoilers — mostrar resenha</summary><p>Linha 1' in folded
    hidden = review_item(_review(is_hidden=True, hidden_reason="Ofensiva <mesmo>"), mark_safe(""))
    assert "Resenha ocultada pela moderação: Ofensiva &lt;mesmo&gt;" in hidden
    assert "Ótimo" not in hidden and "Linha" not in hidden
