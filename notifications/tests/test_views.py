import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import UserFactory
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from notifications import services
from notifications.context_processors import unread_count
from notifications.models import Notification, TopicFollow
from notifications.tests.factories import NotificationFactory, TopicFollowFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")
SIZES = [10, 200]


def make_notifications(user, count: int) -> None:
    post = DebatePostFactory()
    actors = UserFactory.create_batch(5)
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=[Notification.Kind.TOPIC_POST, Notification.Kind.REPLY, Notification.Kind.VOTE_MILESTONE][i % 3],
            actor=actors[i % 5],
            topic=post.topic,
            post=post,
            milestone=5,
            dedupe_key=f"test:{i}",
        )
        for i in range(count)
    )


# --- The notifications page --------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_page_lists_my_notifications_newest_first(auth_client, user):
    older = NotificationFactory(recipient=user, post__topic__title="Antigo")
    newer = NotificationFactory(recipient=user, post__topic__title="Recente")
    NotificationFactory(post__topic__title="De outra pessoa")
    html = auth_client.get(LIST_URL).content.decode()
    assert html.index("Recente") < html.index("Antigo")
    assert "De outra pessoa" not in html
    assert reverse("notifications:open", kwargs={"pk": newer.pk}) in html
    assert older.actor.username in html


@pytest.mark.parametrize("params", [{}, {"situacao": "nao-lidas"}])
@pytest.mark.parametrize("size", SIZES)
def test_page_queries_are_the_same_at_any_size(auth_client, user, django_assert_num_queries, size, params):
    make_notifications(user, size)
    # cold: user, unread count, count for the pager, one page with actor/topic/book joined.
    with django_assert_num_queries(4):
        assert auth_client.get(LIST_URL, params).status_code == 200
    # warm: the user and the unread count come from the cache.
    with django_assert_num_queries(2):
        response = auth_client.get(LIST_URL, params)
    assert response.content.decode().count('<li class="notification') == min(size, 20)


@pytest.mark.parametrize(
    ("value", "shown"), [("nao-lidas", ["Nova"]), ("", ["Nova", "Lida"]), ("lidas", ["Nova", "Lida"])]
)
def test_unread_filter_keeps_the_unread_ones_and_ignores_other_values(auth_client, user, value, shown):
    NotificationFactory(recipient=user, post__topic__title="Nova")
    NotificationFactory(recipient=user, post__topic__title="Lida", read_at=timezone.now())
    html = auth_client.get(LIST_URL, {"situacao": value}).content.decode()
    assert [title for title in ("Nova", "Lida") if title in html] == shown


def test_marking_read_on_the_unread_list_goes_back_to_it(auth_client, user):
    notification = NotificationFactory(recipient=user)
    url = reverse("notifications:read", kwargs={"pk": notification.pk})
    response = auth_client.post(url, {"page": "2", "situacao": "nao-lidas"})
    assert response.status_code == 302 and response.url.endswith("?situacao=nao-lidas&pagina=2")
    assert auth_client.post(url, {"situacao": "nada"}).url == LIST_URL


def test_bad_page_numbers_get_the_first_or_last_page(auth_client):
    assert auth_client.get(LIST_URL, {"pagina": "x"}).status_code == 200
    assert auth_client.get(LIST_URL, {"pagina": "9"}).status_code == 200


def test_usernames_and_titles_are_escaped(auth_client, user):
    NotificationFactory(
        recipient=user, actor=UserFactory(username="<b>mal</b>"), post__topic__title="<script>alert(1)</script>"
    )
    Notification.objects.create(recipient=user, kind=Notification.Kind.IMPORT_FINISHED, message="<img src=x>")
    html = auth_client.get(LIST_URL).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>mal</b>" not in html and "&lt;b&gt;mal&lt;/b&gt;" in html
    assert "<img src=x>" not in html


# --- Marking read ------------------------------------------------------------------------------


def test_mark_one_read(auth_client, user):
    notification = NotificationFactory(recipient=user)
    response = auth_client.post(reverse("notifications:read", kwargs={"pk": notification.pk}), {"page": "2"})
    assert response.status_code == 302 and response.url.endswith("?pagina=2")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_someone_elses_notification_is_404(auth_client):
    other = NotificationFactory()
    assert auth_client.post(reverse("notifications:read", kwargs={"pk": other.pk})).status_code == 404
    assert auth_client.get(reverse("notifications:open", kwargs={"pk": other.pk})).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_needs_post(auth_client, user):
    notification = NotificationFactory(recipient=user)
    assert auth_client.get(reverse("notifications:read", kwargs={"pk": notification.pk})).status_code == 405
    assert auth_client.get(reverse("notifications:read_all")).status_code == 405


def test_mark_all_read(auth_client, user):
    NotificationFactory.create_batch(2, recipient=user)
    other = NotificationFactory()
    response = auth_client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_mark_all_read_with_htmx_asks_for_a_refresh(auth_client, user):
    NotificationFactory(recipient=user)
    response = auth_client.post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_opening_marks_read_and_goes_to_the_post(auth_client, user):
    notification = NotificationFactory(recipient=user)
    response = auth_client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    topic_url = reverse("debates:topic_detail", kwargs={"slug": notification.topic.slug})
    assert response.status_code == 302 and response.url == f"{topic_url}#post-{notification.post_id}"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_writes_need_a_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    notification = NotificationFactory(recipient=user)
    topic = DebateTopicFactory()
    assert client.post(reverse("notifications:read", kwargs={"pk": notification.pk})).status_code == 403
    assert client.post(reverse("notifications:read_all")).status_code == 403
    url = reverse("notifications:topic_follow", kwargs={"slug": topic.slug})
    assert client.post(url, {"follow": "1"}).status_code == 403
    assert not TopicFollow.objects.filter(user=user, topic=topic).exists()


# --- Follow / unfollow -------------------------------------------------------------------------


def follow_url(topic) -> str:
    return reverse("notifications:topic_follow", kwargs={"slug": topic.slug})


def test_follow_and_unfollow(auth_client, user):
    topic = DebateTopicFactory()
    response = auth_client.post(follow_url(topic), {"follow": "1"})
    assert response.status_code == 302 and response.url == topic.get_absolute_url()
    assert TopicFollow.objects.filter(user=user, topic=topic).exists()
    auth_client.post(follow_url(topic), {"follow": "0"})
    assert not TopicFollow.objects.filter(user=user, topic=topic).exists()


def test_follow_with_htmx_returns_the_button(auth_client, user):
    topic = DebateTopicFactory()
    response = auth_client.post(follow_url(topic), {"follow": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()


def test_follow_bad_input(auth_client):
    topic = DebateTopicFactory()
    assert auth_client.post(follow_url(topic), {"follow": "talvez"}).status_code == 400
    assert auth_client.post(reverse("notifications:topic_follow", kwargs={"slug": "nao-existe"})).status_code == 404
    assert auth_client.get(follow_url(topic)).status_code == 405
    response = Client().post(follow_url(topic), {"follow": "1"})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert TopicFollow.objects.filter(topic=topic).count() == 1  # the creator only


# --- The topic page panel --------------------------------------------------------------------


def test_topic_page_shows_the_follow_button_to_readers_only(auth_client, user):
    topic = DebateTopicFactory()
    url = topic.get_absolute_url()
    assert "seguir-debate" not in Client().get(url).content.decode()
    assert 'aria-pressed="false"' in auth_client.get(url).content.decode()
    TopicFollowFactory(user=user, topic=topic)
    assert "Seguindo" in auth_client.get(url).content.decode()


def test_topic_panel_costs_one_query_for_a_reader_and_none_for_a_visitor(user, django_assert_num_queries):
    from notifications.panels import topic_panel

    topic = DebateTopicFactory()
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert topic_panel(request, topic) == ""
    request.user = user
    with django_assert_num_queries(1):
        assert "seguir-debate" in topic_panel(request, topic)


# --- Header counter ------------------------------------------------------------------------------


HEADER = "{% if notifications_unread %}<b>{{ notifications_unread }}</b>{% endif %}"


def render_header(request) -> str:
    return engines["django"].from_string(HEADER).render(unread_count(request))


def test_counter_costs_nothing_for_visitors_or_when_unused(user, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert render_header(request) == ""
    request.user = user
    with django_assert_num_queries(0):
        unread_count(request)  # never printed: never counted


def header_request(user):
    request = RequestFactory().get("/")  # each render is a request of its own, as in a visit
    request.user = user
    return request


def test_counter_is_one_cached_read_and_is_invalidated(
    user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    NotificationFactory.create_batch(2, recipient=user)
    with django_assert_num_queries(1):
        assert render_header(header_request(user)) == "<b>2</b>"
    with django_assert_num_queries(0):
        assert render_header(header_request(user)) == "<b>2</b>"
    with django_capture_on_commit_callbacks(execute=True):
        NotificationFactory(recipient=user)
    assert render_header(header_request(user)) == "<b>3</b>"
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_mark_all_read(user=user)
    assert render_header(header_request(user)) == ""


def test_counter_caps_at_99_plus(user, django_assert_num_queries):
    make_notifications(user, 120)
    assert render_header(header_request(user)) == "<b>99+</b>"
    with django_assert_num_queries(0):
        assert render_header(header_request(user)) == "<b>99+</b>"
