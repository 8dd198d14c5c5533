"""The topic page and the debates list shared by signed-in readers (core.microcache.reader_page_cache):
one rendering for everyone, each reader's votes, links, follow button and unread marks filled
in (debates.fillers), nobody's data in the stored page, a reader's own writes at once."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.microcache import READER_KEY_PREFIX, path_cache_key
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from debates.models import DebatePost, DebateTopic, DebateVote, TopicRead
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from notifications.models import TopicFollow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]

LIST = "/debates/"


@pytest.fixture(autouse=True)
def _shared_pages(settings):
    settings.PAGE_CACHE_SECONDS = 10


def reader(name: str):
    return UserFactory(username=name, date_joined=timezone.now() - timedelta(days=2))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def widget(html: str, post) -> str:
    start = html.index(f'id="vote-{post.pk}"')
    return html[start : html.index("</div>", start)]


def make_topic(posts: int = 2, *, author=None, title: str = "Debate compartilhado"):
    """A topic whose posts are a day old, so that a reader's first visit shows them as new."""
    topic = DebateTopicFactory(title=title)
    made = [DebatePostFactory(topic=topic, author=author or UserFactory()) for _ in range(posts)]
    day_ago = timezone.now() - timedelta(days=1)
    DebatePost.objects.filter(topic=topic).update(created_at=day_ago)
    DebateTopic.objects.filter(pk=topic.pk).update(last_activity_at=day_ago, posts_count=posts)
    topic.refresh_from_db()
    return topic, made


def test_readers_share_one_rendering_with_their_own_votes(django_capture_on_commit_callbacks):
    topic, (first, second) = make_topic()
    ana, bruno = reader("ana"), reader("bruno")
    DebateVote.objects.create(user=ana, post=first, value=1)
    DebateVote.objects.create(user=bruno, post=second, value=-1)
    url = topic.get_absolute_url()
    pages = {}
    for name, user in (("ana", ana), ("bruno", bruno)):
        response = signed_in(user).get(url)
        pages[name] = response.content.decode()
        assert "<!--viewer" not in pages[name] and "<!--slot" not in pages[name]
    ana_page, bruno_page = pages["ana"], pages["bruno"]
    assert 'class="vote-up" aria-pressed="true"' in widget(ana_page, first)
    assert 'aria-pressed="true"' not in widget(ana_page, second)
    assert 'class="vote-down" aria-pressed="true"' in widget(bruno_page, second)
    assert 'aria-pressed="true"' not in widget(bruno_page, first)
    assert 'href="/leitores/bruno/"' in bruno_page and "/leitores/ana/" not in bruno_page


def test_the_second_reader_is_served_the_stored_page():
    topic, _posts = make_topic()
    url = topic.get_absolute_url()
    assert signed_in(reader("ana")).get(url)["X-Page-Cache"] == "miss"
    assert signed_in(reader("bruno")).get(url)["X-Page-Cache"] == "hit"
    assert signed_in(reader("carla")).get(LIST)["X-Page-Cache"] == "miss"
    assert signed_in(reader("davi")).get(LIST)["X-Page-Cache"] == "hit"


def test_only_the_author_sees_edit_and_delete_links_on_their_post():
    author = reader("autora")
    topic, (mine, theirs) = make_topic(author=author)
    DebatePost.objects.filter(pk=theirs.pk).update(author=UserFactory())
    edit, delete = (reverse(name, kwargs={"pk": mine.pk}) for name in ("debates:post_edit", "debates:post_delete"))
    report = reverse("moderation:post_report", kwargs={"pk": mine.pk})
    other_page = signed_in(reader("outra")).get(topic.get_absolute_url()).content.decode()
    response = signed_in(author).get(topic.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    author_page = response.content.decode()
    assert edit in author_page and delete in author_page and report not in author_page
    assert edit not in other_page and delete not in other_page and report in other_page
    assert reverse("debates:post_vote", kwargs={"pk": mine.pk}) not in author_page  # no vote on one's own post
    assert reverse("debates:post_edit", kwargs={"pk": theirs.pk}) not in author_page


def test_only_a_follower_sees_the_unfollow_button():
    topic, _posts = make_topic()
    follower = reader("seguidora")
    TopicFollow.objects.create(user=follower, topic=topic)
    others = signed_in(reader("leitor")).get(topic.get_absolute_url()).content.decode()
    theirs = signed_in(follower).get(topic.get_absolute_url()).content.decode()
    assert 'name="follow" value="1"' in others and 'name="follow" value="0"' not in others
    assert 'name="follow" value="0"' in theirs and 'name="follow" value="1"' not in theirs
    assert reverse("notifications:topic_follow", kwargs={"slug": topic.slug}) in theirs


def test_a_vote_and_a_post_show_to_their_author_on_the_next_request(django_capture_on_commit_callbacks):
    topic, (first, _second) = make_topic()
    url = topic.get_absolute_url()
    signed_in(reader("ana")).get(url)  # stores the shared page
    client = signed_in(reader("bruno"))
    page = client.get(url)
    assert page["X-Page-Cache"] == "hit"
    token = csrf_of(page.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        vote = reverse("debates:post_vote", kwargs={"pk": first.pk})
        assert client.post(vote, {"value": "1", "csrfmiddlewaretoken": token}).status_code == 302
    html = client.get(url).content.decode()
    assert 'class="vote-up" aria-pressed="true"' in widget(html, first)
    assert '<span class="score">1</span>' in widget(html, first)
    with django_capture_on_commit_callbacks(execute=True):
        create = reverse("debates:post_create", kwargs={"slug": topic.slug})
        data = {"content": "Minha resposta agora.", "csrfmiddlewaretoken": token}
        assert client.post(create, data).status_code == 302
    assert "Minha resposta agora." in client.get(url).content.decode()


def test_a_visit_served_from_the_shared_page_marks_the_topic_read():
    topic, posts = make_topic()
    url = topic.get_absolute_url()
    signed_in(reader("ana")).get(url)
    bruno = reader("bruno")
    client = signed_in(bruno)
    assert client.get(LIST).content.decode().count("Novas mensagens") == 1
    first = client.get(url)
    assert first["X-Page-Cache"] == "hit"
    html = first.content.decode()
    assert html.count('class="badge new"') == 2 and html.count('id="primeira-nao-lida"') == 1
    assert "Há mensagens novas desde a sua última visita." in html
    assert html.index('id="primeira-nao-lida"') < html.index(f'id="post-{posts[0].pk}"')
    assert TopicRead.objects.get(user=bruno, topic=topic).read_at == topic.last_activity_at
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert 'class="badge new"' not in again.content.decode() and "unread-note" not in again.content.decode()
    assert "Novas mensagens" not in client.get(LIST).content.decode()


def test_unread_marks_are_each_readers_own():
    topic, posts = make_topic()
    seen, fresh = reader("viu"), reader("nova")
    TopicRead.objects.create(user=seen, topic=topic, read_at=topic.last_activity_at)
    rows_seen = signed_in(seen).get(LIST).content.decode()
    rows_fresh = signed_in(fresh).get(LIST)
    assert rows_fresh["X-Page-Cache"] == "hit"
    first_unread = reverse("debates:topic_first_unread", kwargs={"slug": topic.slug})
    assert first_unread not in rows_seen and first_unread in rows_fresh.content.decode()
    url = topic.get_absolute_url()
    for_seen = signed_in(seen).get(url).content.decode()
    for_fresh = signed_in(fresh).get(url).content.decode()
    assert 'class="badge new"' not in for_seen and f'id="post-{posts[0].pk}" class="post depth-0"' in for_seen
    assert for_fresh.count('class="badge new"') == 2
    assert f'id="post-{posts[0].pk}" class="post depth-0 unread"' in for_fresh


def test_the_stored_pages_hold_no_reader_data():
    topic, (first, _second) = make_topic()
    ana = reader("ana_leitora")
    DebateVote.objects.create(user=ana, post=first, value=1)
    TopicFollow.objects.create(user=ana, topic=topic)
    client = signed_in(ana)
    client.get(topic.get_absolute_url())
    client.get(LIST)
    for path in (topic.get_absolute_url(), LIST):
        stored = cache.get(path_cache_key(path, READER_KEY_PREFIX))[0]
        assert "ana_leitora" not in stored and 'aria-pressed="true"' not in stored
        assert "badge new" not in stored and "unread-note" not in stored and 'name="follow" value="0"' not in stored
        assert "csrfmiddlewaretoken" not in stored.replace('name="csrfmiddlewaretoken" value="<!--viewer-csrf-->"', "")
    assert TopicRead.objects.filter(user_id=0).count() == 0


def vote_form(html: str) -> str:
    start = html.index('<form id="votos"')
    return html[start : html.index("</form>", start)]


def test_each_reader_gets_a_csrf_token_that_works():
    topic, (first, _second) = make_topic()
    signed_in(reader("ana")).get(topic.get_absolute_url())
    client = signed_in(reader("bruno"))
    html = client.get(topic.get_absolute_url()).content.decode()
    vote = reverse("debates:post_vote", kwargs={"pk": first.pk})
    assert client.post(vote, {"value": "1", "csrfmiddlewaretoken": csrf_of(vote_form(html))}).status_code == 302


def test_the_shared_page_has_one_vote_form_and_one_token_for_all_its_posts(settings):
    settings.POSTS_PAGE_SIZE = 30
    topic, posts = make_topic(30)
    url = topic.get_absolute_url()
    signed_in(reader("ana")).get(url)
    stored = cache.get(path_cache_key(url, READER_KEY_PREFIX))[0]
    assert stored.count('<form id="votos"') == 1 and stored.count("<!--slot:post_actions:") == 30
    form = vote_form(stored)
    assert form.count("csrfmiddlewaretoken") == 1 and 'name="page" value="1"' in form
    thread = stored[stored.index(f'id="post-{posts[0].pk}"') : stored.rindex("</article>")]
    assert "<form" not in thread and "csrfmiddlewaretoken" not in thread and "<!--viewer-csrf-->" not in thread
    assert thread.count('form="votos"') == 60  # ▲ and ▼ of every post
    # The rest of the page's tokens (header, reply form, follow button) do not grow with the posts.
    small, _posts = make_topic(1, title="Debate curto")
    signed_in(reader("bruno")).get(small.get_absolute_url())
    other = cache.get(path_cache_key(small.get_absolute_url(), READER_KEY_PREFIX))[0]
    assert stored.count("<!--viewer-csrf-->") == other.count("<!--viewer-csrf-->")


def _button(html: str, post, value: str) -> dict[str, str]:
    tag = re.search(rf'<button[^>]*formaction="[^"]*/{post.pk}/votar/"[^>]*value="{value}"[^>]*>', html)[0]
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))


def test_a_vote_from_the_shared_page_works_without_javascript(django_capture_on_commit_callbacks):
    topic, (first, _second) = make_topic()
    url = topic.get_absolute_url()
    signed_in(reader("ana")).get(url)
    client = signed_in(reader("bruno"))
    page = client.get(url)
    assert page["X-Page-Cache"] == "hit"
    html = page.content.decode()
    up = _button(html, first, "1")
    assert up["form"] == "votos" and up["formaction"] == reverse("debates:post_vote", kwargs={"pk": first.pk})
    # What a browser posts: the vote form's fields and the pressed button's name and value.
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', vote_form(html)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(up["formaction"], {**fields, up["name"]: up["value"]})
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{first.pk}")
    assert DebateVote.objects.get(user__username="bruno", post=first).value == 1
    html = client.get(url).content.decode()
    assert 'class="vote-up" aria-pressed="true"' in widget(html, first)
    assert _button(html, first, "1")["form"] == "votos"  # the filled widget still posts the page's form


def test_a_vote_from_the_shared_page_works_with_htmx():
    topic, (first, _second) = make_topic()
    url = topic.get_absolute_url()
    signed_in(reader("ana")).get(url)
    client = signed_in(reader("bruno"))
    html = client.get(url).content.decode()
    down = _button(html, first, "-1")
    assert down["hx-post"] == down["formaction"]
    section = re.search(r'<section aria-labelledby="mensagens-titulo"[^>]*>', html)[0]
    assert 'hx-target="closest .vote"' in section and 'hx-swap="outerHTML"' in section
    # htmx sends the button's form (its `form` attribute) and the page's CSRF header.
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html)[1]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', vote_form(html)))
    response = client.post(
        down["hx-post"], {**fields, down["name"]: down["value"]}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200
    swapped = response.content.decode()
    assert swapped.startswith(f'<div class="vote" id="vote-{first.pk}">') and "<form" not in swapped
    assert 'class="vote-down" aria-pressed="true"' in swapped and 'form="votos"' in swapped


def test_a_readers_own_post_keeps_its_reply_link_and_a_locked_topic_offers_none():
    author = reader("autora")
    topic, (mine, _theirs) = make_topic(author=author)
    reply = reverse("debates:post_create", kwargs={"slug": topic.slug}) + f"?resposta={mine.pk}"
    signed_in(reader("ana")).get(topic.get_absolute_url())
    html = signed_in(author).get(topic.get_absolute_url()).content.decode()
    assert reply in html and reverse("debates:post_edit", kwargs={"pk": mine.pk}) in html
    assert '<span class="score">0 pontos</span>' in widget(html, mine) and "<button" not in widget(html, mine)
    DebateTopic.objects.filter(pk=topic.pk).update(is_locked=True)
    cache.delete_pattern("*")  # this worker's keys only: `clear()` would empty the other workers' too
    html = signed_in(author).get(topic.get_absolute_url()).content.decode()
    assert "?resposta=" not in html and reverse("debates:post_edit", kwargs={"pk": mine.pk}) in html


@pytest.mark.parametrize("posts", [5, 50])
def test_a_stored_topic_page_costs_a_few_queries_whatever_its_length(posts, django_assert_num_queries, settings):
    settings.POSTS_PAGE_SIZE = 50
    topic, made = make_topic(posts)
    voter = reader("votante")
    DebateVote.objects.bulk_create(DebateVote(user=voter, post=post, value=1) for post in made[::2])
    signed_in(reader("primeira")).get(topic.get_absolute_url())
    client = signed_in(voter)
    client.get(LIST)  # the reader's session and header counter are warm
    TopicRead.objects.create(user=voter, topic=topic, read_at=topic.last_activity_at)
    # the read mark, the votes, the follow button (the user comes from the cache): nothing
    # new, no write.
    with django_assert_num_queries(3):
        response = client.get(topic.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert response.content.decode().count('aria-pressed="true"') == len(made[::2])


def test_a_stored_list_costs_one_query():
    make_topic()
    signed_in(reader("primeira")).get(LIST)
    client = signed_in(reader("segunda"))
    client.get("/livros/?q=nada")  # the session and header counter are warm
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST)["X-Page-Cache"] == "hit"
    assert len(queries) == 1, [query["sql"] for query in queries]  # the read marks


def test_moderators_get_their_controls_and_their_own_marks():
    topic, (first, _second) = make_topic()
    signed_in(reader("ana")).get(topic.get_absolute_url())
    moderator = UserFactory(is_staff=True, date_joined=timezone.now() - timedelta(days=2))
    response = signed_in(moderator).get(topic.get_absolute_url())
    assert response.get("X-Page-Cache") is None
    html = response.content.decode()
    assert reverse("moderation:post_hide", kwargs={"pk": first.pk}) in html
    assert reverse("debates:post_edit", kwargs={"pk": first.pk}) in html
    assert html.count('class="badge new"') == 2 and "<!--" not in html.replace("<!-- ", "")


def test_posts_older_than_the_read_cutoff_carry_no_unread_marks(settings):
    settings.DEBATES_READ_CUTOFF_DAYS = 7
    topic, (old, recent) = make_topic()
    DebatePost.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    html = signed_in(reader("ana")).get(topic.get_absolute_url()).content.decode()
    assert f'id="post-{old.pk}" class="post depth-0"' in html
    assert f'id="post-{recent.pk}" class="post depth-0 unread"' in html
    stored = cache.get(path_cache_key(topic.get_absolute_url(), READER_KEY_PREFIX))[0]
    assert f"post_new_class:{old.pk}:" not in stored and f"post_new_class:{recent.pk}:" in stored
