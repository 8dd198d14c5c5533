import pytest
from django.urls import reverse

from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from debates import services
from debates.models import DebatePost, DebateTopic, DebateVote
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from moderation import services as moderation_services

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def topic_url(topic) -> str:
    return reverse("debates:topic_detail", kwargs={"slug": topic.slug})


def vote_url(post) -> str:
    return reverse("debates:post_vote", kwargs={"pk": post.pk})


# --- list -------------------------------------------------------------------------------


def test_topic_list_shows_pinned_first_then_most_active(client):
    quiet = DebateTopicFactory(title="Debate quieto")
    pinned = DebateTopicFactory(title="Debate fixado", is_pinned=True)
    services.post_create(topic=quiet, author=UserFactory(), content="movimento")
    html = client.get(reverse("debates:topic_list")).content.decode()
    assert html.index(pinned.title) < html.index(quiet.title)


def test_topic_list_renders_for_a_logged_in_reader(auth_client):
    topic = DebateTopicFactory()
    response = auth_client.get(reverse("debates:topic_list"))
    assert response.status_code == 200
    assert topic.title in response.content.decode()


def test_topic_list_filters_by_book(client):
    mine = DebateTopicFactory(title="Sobre o meu livro")
    DebateTopicFactory(title="Sobre outro livro")
    html = client.get(reverse("debates:topic_list"), {"livro": mine.book.slug}).content.decode()
    assert mine.title in html and "Sobre outro livro" not in html


@pytest.mark.parametrize("query", [{"pagina": "abc"}, {"pagina": "0"}, {"pagina": "99"}, {"page": "²"}])
def test_topic_list_answers_any_page_number_with_a_page(client, query):
    topic = DebateTopicFactory()
    response = client.get(reverse("debates:topic_list"), query)
    assert response.status_code == 200 and topic.title in response.content.decode()


def test_topic_list_answers_a_malformed_book_with_404(client):
    assert client.get(reverse("debates:topic_list"), {"livro": "não slug!"}).status_code == 404


def test_new_post_shows_in_the_cached_list_on_the_next_request(client, django_capture_on_commit_callbacks):
    older = DebateTopicFactory(title="Debate antigo")
    newer = DebateTopicFactory(title="Debate novo")
    services.post_create(topic=newer, author=UserFactory(), content="primeiro")
    html = client.get(reverse("debates:topic_list")).content.decode()
    assert html.index(newer.title) < html.index(older.title)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=older, author=UserFactory(), content="agora sim")

    html = client.get(reverse("debates:topic_list")).content.decode()
    assert html.index(older.title) < html.index(newer.title)


def test_admin_style_edit_flushes_the_cached_list(client, django_capture_on_commit_callbacks):
    topic = DebateTopicFactory(title="Título velho")
    client.get(reverse("debates:topic_list"))
    with django_capture_on_commit_callbacks(execute=True):
        topic.title = "Título corrigido"
        topic.save()
    assert "Título corrigido" in client.get(reverse("debates:topic_list")).content.decode()


# --- detail -----------------------------------------------------------------------------


def test_topic_page_renders_threads_for_anonymous_reader(client):
    root = DebatePostFactory(content="Primeira opinião")
    reply = DebatePostFactory(topic=root.topic, parent=root, content="Discordo")
    response = client.get(topic_url(root.topic))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(f'id="post-{root.pk}"') < html.index(f'id="post-{reply.pk}"')
    assert "depth-1" in html
    assert "Entre" in html and 'name="value"' not in html  # no vote buttons for anonymous


def test_topic_page_offers_votes_to_a_logged_in_reader(auth_client, user):
    post = DebatePostFactory()
    response = auth_client.get(topic_url(post.topic))
    assert response.status_code == 200
    assert vote_url(post) in response.content.decode()


def test_unknown_topic_is_404(client):
    assert client.get("/debates/nao-existe/").status_code == 404


def test_topic_page_counts_a_view(client):
    topic = DebateTopicFactory()
    client.get(topic_url(topic))
    client.get(topic_url(topic))
    assert services.topic_views_flush() == 2


def test_deleted_post_shows_placeholder_and_keeps_the_thread(client):
    root = DebatePostFactory(content="Texto secreto apagado", is_deleted=True)
    reply = DebatePostFactory(topic=root.topic, parent=root, content="Resposta que fica")
    html = client.get(topic_url(root.topic)).content.decode()
    assert "[mensagem excluída]" in html
    assert "Texto secreto apagado" not in html
    assert "Resposta que fica" in html and f'id="post-{reply.pk}"' in html


def test_user_text_is_escaped_everywhere(client):
    topic = DebateTopicFactory(title=f"T {XSS}", description=f"D {XSS}")
    DebatePostFactory(topic=topic, content=f"C {XSS}\nsegunda linha")
    for url in (reverse("debates:topic_list"), topic_url(topic)):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert "<br>segunda linha" in client.get(topic_url(topic)).content.decode()  # linebreaks still apply


# --- create topic ------------------------------------------------------------------------


def test_anonymous_reader_is_sent_to_login_to_create_a_topic(client):
    book = BookFactory()
    response = client.post(reverse("debates:topic_create", kwargs={"book_slug": book.slug}), {"title": "Um debate"})
    assert response.status_code == 302 and "/conta/login/" in response["Location"]
    assert not DebateTopic.objects.exists()


def test_reader_creates_a_topic_from_a_book(auth_client, user):
    book = BookFactory()
    url = reverse("debates:topic_create", kwargs={"book_slug": book.slug})
    assert auth_client.get(url).status_code == 200
    response = auth_client.post(url, {"title": "Final ambíguo", "description": "", "first_post": "Abro eu."})
    topic = DebateTopic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic_url(topic)
    assert (topic.book, topic.creator, topic.posts_count) == (book, user, 1)


@pytest.mark.parametrize("data", [{"title": "Oi"}, {"title": ""}, {"title": "Bom título", "description": "d" * 5001}])
def test_topic_form_answers_bad_input_with_400(auth_client, data):
    book = BookFactory()
    response = auth_client.post(reverse("debates:topic_create", kwargs={"book_slug": book.slug}), data)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert not DebateTopic.objects.exists()


def test_topic_form_message_is_in_portuguese(auth_client):
    book = BookFactory()
    response = auth_client.post(reverse("debates:topic_create", kwargs={"book_slug": book.slug}), {"title": "Oi"})
    assert "Certifique-se de que o valor tenha no mínimo 5 caracteres" in response.content.decode()


def test_topic_form_for_unknown_book_is_404(auth_client):
    assert auth_client.get(reverse("debates:topic_create", kwargs={"book_slug": "sem-livro"})).status_code == 404


# --- posts ------------------------------------------------------------------------------


def test_anonymous_post_goes_to_login_and_writes_nothing(client):
    topic = DebateTopicFactory()
    response = client.post(reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "Oi"})
    assert response.status_code == 302 and "/conta/login/" in response["Location"]
    assert not DebatePost.objects.exists()


def test_reader_posts_and_lands_on_the_new_post(auth_client):
    topic = DebateTopicFactory()
    response = auth_client.post(reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "Olá"})
    post = DebatePost.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")


def test_reader_replies_through_the_reply_form(auth_client):
    root = DebatePostFactory(content="Pergunta")
    url = reverse("debates:post_create", kwargs={"slug": root.topic.slug})
    form = auth_client.get(url, {"resposta": root.pk})
    assert form.status_code == 200 and "Pergunta" in form.content.decode()
    auth_client.post(url, {"content": "Resposta", "parent": root.pk})
    assert DebatePost.objects.get(content="Resposta").parent == root


def test_empty_post_is_answered_with_400(auth_client):
    topic = DebateTopicFactory()
    response = auth_client.post(reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "   "})
    assert response.status_code == 400
    assert "Escreva uma mensagem." in response.content.decode()
    assert not DebatePost.objects.exists()


def test_reply_to_a_post_of_another_topic_is_answered_with_422(auth_client):
    stranger = DebatePostFactory()
    topic = DebateTopicFactory()
    response = auth_client.post(
        reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "Oi", "parent": stranger.pk}
    )
    assert response.status_code == 422
    assert "A mensagem respondida não pertence a este debate." in response.content.decode()
    assert DebatePost.objects.count() == 1


def test_post_to_a_locked_topic_is_refused_with_the_message(auth_client):
    topic = DebateTopicFactory(is_locked=True)
    response = auth_client.post(reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "Oi"})
    assert response.status_code == 409
    assert "Este debate está trancado e não aceita novas mensagens." in response.content.decode()
    assert not DebatePost.objects.exists()


def test_locked_topic_page_shows_no_post_form(auth_client):
    topic = DebateTopicFactory(is_locked=True)
    html = auth_client.get(topic_url(topic)).content.decode()
    assert "não aceita novas mensagens" in html and 'name="content"' not in html


def test_author_edits_own_post(auth_client, user):
    post = DebatePostFactory(author=user, content="antes")
    url = reverse("debates:post_edit", kwargs={"pk": post.pk})
    assert auth_client.get(url).status_code == 200
    response = auth_client.post(url, {"content": "depois"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.content == "depois" and post.edited_at is not None


def test_edit_with_empty_content_is_400(auth_client, user):
    post = DebatePostFactory(author=user, content="antes")
    response = auth_client.post(reverse("debates:post_edit", kwargs={"pk": post.pk}), {"content": ""})
    assert response.status_code == 400
    assert DebatePost.objects.get(pk=post.pk).content == "antes"


def test_someone_elses_post_cannot_be_edited_or_deleted(auth_client):
    post = DebatePostFactory(content="de outra pessoa")
    for name in ("debates:post_edit", "debates:post_delete"):
        url = reverse(name, kwargs={"pk": post.pk})
        assert auth_client.get(url).status_code == 403
        assert auth_client.post(url, {"content": "invadido"}).status_code == 403
    post.refresh_from_db()
    assert post.content == "de outra pessoa" and not post.is_deleted


def test_author_deletes_own_post_after_confirming(auth_client, user):
    post = DebatePostFactory(author=user)
    url = reverse("debates:post_delete", kwargs={"pk": post.pk})
    assert auth_client.get(url).status_code == 200
    assert auth_client.post(url).status_code == 302
    assert DebatePost.objects.get(pk=post.pk).is_deleted


def test_unknown_post_is_404(auth_client):
    assert auth_client.get(reverse("debates:post_edit", kwargs={"pk": 999999})).status_code == 404


# --- votes ------------------------------------------------------------------------------


def test_vote_without_javascript_redirects_back_to_the_post(auth_client):
    post = DebatePostFactory()
    response = auth_client.post(vote_url(post), {"value": "1"})
    assert response.status_code == 302 and response["Location"] == f"{topic_url(post.topic)}#post-{post.pk}"
    assert DebatePost.objects.get(pk=post.pk).votes_score == 1


def test_vote_with_htmx_returns_the_widget_fragment(auth_client):
    post = DebatePostFactory()
    response = auth_client.post(vote_url(post), {"value": "-1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<div class="vote" id="vote-{post.pk}">') and "<html" not in html
    assert '<span class="score">-1</span>' in html
    assert 'value="-1" class="vote-down" aria-pressed="true"' in html


def test_anonymous_vote_goes_to_login(client):
    post = DebatePostFactory()
    response = client.post(vote_url(post), {"value": "1"})
    assert response.status_code == 302 and "/conta/login/" in response["Location"]
    assert not DebateVote.objects.exists()


def test_vote_with_a_bad_value_is_400(auth_client):
    post = DebatePostFactory()
    assert auth_client.post(vote_url(post), {"value": "5"}).status_code == 400
    assert not DebateVote.objects.exists()


def test_vote_on_own_or_deleted_post_is_422_with_the_reason(auth_client, user):
    own = DebatePostFactory(author=user)
    deleted = DebatePostFactory(is_deleted=True)
    assert auth_client.post(vote_url(own), {"value": "1"}).status_code == 422
    response = auth_client.post(vote_url(deleted), {"value": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Não é possível votar em uma mensagem excluída." in response.content.decode()
    assert not DebateVote.objects.exists()


def test_vote_rate_limit_answers_429_with_retry_after(auth_client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "vote": "2/m"}
    post = DebatePostFactory()
    assert auth_client.post(vote_url(post), {"value": "1"}).status_code == 302
    assert auth_client.post(vote_url(post), {"value": "1"}).status_code == 302
    response = auth_client.post(vote_url(post), {"value": "1"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert DebatePost.objects.get(pk=post.pk).votes_score == 0  # the third vote never ran


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_debates_list_limit_counts_renders_not_cache_hits(client, user, settings, signed_in):
    settings.PAGE_CACHE_SECONDS = 10
    settings.RATELIMITS = {**settings.RATELIMITS, "debates_list": "2/m"}
    if signed_in:
        client.force_login(user)
    url = reverse("debates:topic_list")
    assert [client.get(url).status_code for _ in range(5)] == [200] * 5  # one render, four hits
    assert client.get(url, {"ordem": "novos"}).status_code == 200  # a second render
    response = client.get(url, {"ordem": "em-alta"})  # a third: past the limit
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_anonymous_topic_views_served_from_the_page_cache_still_count(client, settings):
    settings.PAGE_CACHE_SECONDS = 10
    topic = DebateTopicFactory()
    responses = [client.get(topic.get_absolute_url()) for _ in range(3)]
    assert [r["X-Page-Cache"] for r in responses] == ["miss", "hit", "hit"]
    services.topic_views_flush()
    topic.refresh_from_db()
    assert topic.views_count == 3


# --- a hidden post's text never leaves through the reply form ---------------------------------


def test_reply_form_never_quotes_a_hidden_post(auth_client):
    post = DebatePostFactory(content="texto que a moderação ocultou")
    moderation_services.post_hide(post=post, actor=UserFactory(is_staff=True), reason="spam")
    url = reverse("debates:post_create", kwargs={"slug": post.topic.slug})
    form = auth_client.get(f"{url}?resposta={post.pk}")
    assert form.status_code == 200 and "texto que a moderação ocultou" not in form.content.decode()
    refused = auth_client.post(url, {"content": "Oi", "parent": post.pk})
    assert refused.status_code == 422
    assert "texto que a moderação ocultou" not in refused.content.decode()
    assert DebatePost.objects.count() == 1


def test_reply_form_quotes_a_visible_post(auth_client):
    post = DebatePostFactory(content="uma opinião visível")
    url = reverse("debates:post_create", kwargs={"slug": post.topic.slug})
    assert "uma opinião visível" in auth_client.get(f"{url}?resposta={post.pk}").content.decode()
