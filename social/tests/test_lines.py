"""Each verb's activity line, as social.lines builds it: links, localized numbers, escaped
text, a long post cut to its first characters. Unsaved rows: no database needed."""

from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import BookReview
from catalog.models import Book
from debates.models import DebatePost, DebateTopic
from library.models import ReadingGoal
from social.lines import POST_CHARS, activity_line
from social.models import Activity

Verb = Activity.Verb


@pytest.fixture(autouse=True)
def _pt_br():
    with translation.override("pt-br"):
        yield


def _activity(verb, **items):
    book = Book(pk=7, title="O <Hobbit>", slug="o-hobbit")
    return Activity(pk=1, verb=verb, book=book, **items)


def test_a_review_links_to_itself_with_its_rating_and_title():
    review = BookReview(pk=5, rating=Decimal("4.5"), title="Releitura & mais")
    line = activity_line(_activity(Verb.REVIEWED, review=review))
    assert line == (
        '<a href="/leitores/resenhas/5/">O &lt;Hobbit&gt;</a> <span class="small muted">4,5★</span>'
        " — “Releitura &amp; mais”"
    )


def test_a_rating_and_a_progress_link_to_the_book():
    rated = activity_line(_activity(Verb.RATED, review=BookReview(pk=5, rating=Decimal("3.0"), title="")))
    assert rated == '<a href="/livros/o-hobbit/">O &lt;Hobbit&gt;</a> <span class="small muted">3,0★</span>'
    progress = activity_line(_activity(Verb.PROGRESS, percent=42))
    assert progress == '<a href="/livros/o-hobbit/">O &lt;Hobbit&gt;</a> <span class="small muted">42%</span>'
    assert activity_line(_activity(Verb.FINISHED)) == '<a href="/livros/o-hobbit/">O &lt;Hobbit&gt;</a>'


def test_a_topic_and_a_post_link_to_the_debate():
    topic = DebateTopic(pk=3, title="Final <apressado>?", slug="final-apressado")
    assert activity_line(_activity(Verb.TOPIC, topic=topic)) == (
        '<a href="/debates/final-apressado/">Final &lt;apressado&gt;?</a>'
        ' <span class="small muted">(O &lt;Hobbit&gt;)</span>'
    )
    long_text = "palavra " * 40
    post = activity_line(_activity(Verb.POST, topic=topic, post=DebatePost(pk=9, content=long_text), post_id=9))
    shown = post.split("“")[1].split("”")[0]
    assert post.startswith('<a href="/debates/final-apressado/#post-9">Final &lt;apressado&gt;?</a><br>')
    assert len(shown) == POST_CHARS and shown.endswith("…")
    bare = activity_line(_activity(Verb.POST, topic=topic, post=DebatePost(pk=9, content=""), post_id=9))
    assert bare == '<a href="/debates/final-apressado/#post-9">Final &lt;apressado&gt;?</a>'


def test_a_goal_counts_its_books():
    assert activity_line(_activity(Verb.GOAL, goal=ReadingGoal(year=2026, books=1))) == "2026: 1 livro"
    assert activity_line(_activity(Verb.GOAL, goal=ReadingGoal(year=2026, books=12))) == "2026: 12 livros"
