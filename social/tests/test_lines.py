"""Activities as social.lines builds them: each verb's line (links, localized numbers, escaped
text, a long post cut to its first characters) and a page's groups. Unsaved rows: no
database needed."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.safestring import mark_safe

from accounts.models import BookReview
from catalog.models import Book
from debates.models import DebatePost, DebateTopic
from library.models import ReadingGoal
from social.lines import POST_CHARS, activity_groups, activity_line
from social.models import Activity
from social.selectors import ActivityGroup

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


def _group(verb, *lines, visibility="public", is_new=False):
    actor = get_user_model()(pk=2, username="ana<b>")
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    items = []
    for line in lines:
        activity = Activity(verb=verb, visibility=visibility, created_at=at)
        activity.line = mark_safe(line)
        items.append(activity)
    return ActivityGroup(actor=actor, verb=verb, items=items, is_new=is_new, actor_url="/leitores/ana/")


def test_groups_list_one_line_or_a_summary_with_each_item():
    one = _group(Verb.FINISHED, "<a>Duna</a>", is_new=True)
    several = _group(Verb.STARTED, "<a>Duna</a>", "<a>Emma</a>")
    html = str(activity_groups([one, several]))
    assert html.startswith('<ul class="activity-list"><li class="activity is-new">\n  ')
    assert '<a class="activity-actor" href="/leitores/ana/">ana&lt;b&gt;</a>' in html
    assert "\n  terminou de ler <a>Duna</a>\n" in html
    assert '<span class="badge new">novo</span>' in html and html.count("badge new") == 1
    items = '<ul class="activity-items"><li><a>Duna</a></li><li><a>Emma</a></li></ul>'
    assert f"começou a ler 2 livros\n    {items}" in html
    assert html.count('<time datetime="2026-01-02T03:04:05+00:00">') == 2 and html.endswith("</li></ul>")


def test_a_private_activity_says_so_and_an_empty_page_says_why():
    private = str(activity_groups([_group(Verb.FINISHED, "<a>Duna</a>", visibility="followers")]))
    assert '<a>Duna</a> <span class="badge muted">' in private
    assert activity_groups([]) == '<p class="muted">Nenhuma atividade ainda.</p>'
    assert activity_groups([], "Siga <leitores>") == '<p class="muted">Siga &lt;leitores&gt;</p>'
