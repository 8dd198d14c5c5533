"""Signed-in readers share one rendering of a book page (core.microcache.reader_page_cache):
each reader's shelf panel, review and helpful votes are filled in per request, the stored page
holds nobody's, and a writer sees their write at once."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts import services
from accounts.models import BookShelf, ReviewHelpfulVote
from accounts.tests.conftest import seed_reviews
from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from core.fragments import CSRF_MARK
from core.microcache import READER_KEY_PREFIX, path_cache_key
from core.tests.clients import signed_in
from core.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]

ShelfType = BookShelf.ShelfType
PRESSED = 'aria-pressed="true"'


@pytest.fixture(autouse=True)
def _shared_pages(settings):
    settings.PAGE_CACHE_SECONDS = 10


@pytest.fixture
def url(book):
    return reverse("catalog:book_detail", kwargs={"slug": book.slug})


def shelf_panel(html: str) -> str:
    start = html.index('<section class="panel shelf-panel')
    return html[start : html.index("</section>", start)]


def reviews_panel(html: str) -> str:
    start = html.index('id="avaliacoes"')
    return html[start : html.index("</section>", start)]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def stored(url: str) -> str:
    return cache.get(path_cache_key(url, READER_KEY_PREFIX))[0]


def test_two_readers_share_one_rendering_each_with_nothing_left_to_fill(url, book):
    first, second = signed_in(UserFactory()).get(url), signed_in(UserFactory()).get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, second):
        html = response.content.decode()
        assert book.title in html and "Avaliar este livro" in html
        assert "<!--viewer" not in html and "<!--slot" not in html


def test_a_reader_sees_their_own_shelves_and_progress_and_another_reader_does_not(url, book):
    owner, other = UserFactory(), UserFactory()
    BookShelfFactory(user=owner, book=book, shelf_type=ShelfType.READING)
    BookShelfFactory(user=owner, book=book, shelf_type=ShelfType.CUSTOM, custom_name="Clube de quinta")
    ReadingProgressFactory(user=owner, book=book, current_page=77, total_pages=320, notes="Nota só minha")
    assert signed_in(other).get(url)["X-Page-Cache"] == "miss"

    response = signed_in(owner).get(url)
    assert response["X-Page-Cache"] == "hit"
    mine = shelf_panel(response.content.decode())
    assert PRESSED in mine and "Clube de quinta" in mine
    assert "Página 77 de 320" in mine and "Nota só minha" in mine

    theirs = shelf_panel(signed_in(other).get(url).content.decode())
    assert PRESSED not in theirs
    assert "Clube de quinta" not in theirs and "Nota só minha" not in theirs and "Página 77" not in theirs


def test_a_reader_with_a_custom_shelf_is_offered_its_name_on_every_book(url, book):
    reader = UserFactory()
    BookShelfFactory(user=reader, shelf_type=ShelfType.CUSTOM, custom_name="Para a praia")  # another book
    signed_in(UserFactory()).get(url)
    response = signed_in(reader).get(url)
    assert response["X-Page-Cache"] == "hit"
    assert '<option value="Para a praia">' in shelf_panel(response.content.decode())


def test_a_reader_sees_their_own_review_and_another_reader_gets_the_blank_form(url, book):
    author, other = UserFactory(), UserFactory()
    BookReviewFactory(user=author, book=book, title="Só eu leio", text="Texto privado", visibility="private")
    signed_in(other).get(url)

    mine = shelf_panel(signed_in(author).get(url).content.decode())
    assert "Só eu leio" in mine and "Texto privado" in mine and "Publicar avaliação" not in mine
    theirs = shelf_panel(signed_in(other).get(url).content.decode())
    assert "Só eu leio" not in theirs and "Publicar avaliação" in theirs


def test_a_reader_sees_their_own_helpful_vote_and_another_reader_does_not(url, book):
    reviews = [review for review in seed_reviews(book, 4) if review.visibility == "public"]
    voter, other = UserFactory(), UserFactory()
    ReviewHelpfulVote.objects.create(user=voter, review=reviews[0])
    helpful = reverse("accounts:review_helpful", kwargs={"pk": reviews[0].pk})
    signed_in(other).get(url)

    response = signed_in(voter).get(url)
    assert response["X-Page-Cache"] == "hit"
    mine = reviews_panel(response.content.decode())
    assert re.search(rf'action="{helpful}"[^>]*>.*?{PRESSED}', mine, re.S)
    theirs = reviews_panel(signed_in(other).get(url).content.decode())
    assert f'action="{helpful}"' in theirs and PRESSED not in theirs


def test_a_review_author_gets_no_vote_form_nor_report_link_on_their_own_review(url, book):
    reviews = [review for review in seed_reviews(book, 4) if review.visibility == "public"]
    signed_in(UserFactory()).get(url)
    html = reviews_panel(signed_in(reviews[0].user).get(url).content.decode())
    assert reverse("accounts:review_helpful", kwargs={"pk": reviews[0].pk}) not in html
    assert reverse("moderation:review_report", kwargs={"pk": reviews[0].pk}) not in html
    assert reverse("accounts:review_helpful", kwargs={"pk": reviews[1].pk}) in html
    assert reverse("moderation:review_report", kwargs={"pk": reviews[1].pk}) in html


def test_the_stored_page_holds_no_reader_data_nor_usable_token(url, book):
    reader = UserFactory(username="leitora_secreta")
    reviews = [review for review in seed_reviews(book, 4) if review.visibility == "public"]
    ReviewHelpfulVote.objects.create(user=reader, review=reviews[0])
    BookShelfFactory(user=reader, book=book, shelf_type=ShelfType.READING)
    BookShelfFactory(user=reader, book=book, shelf_type=ShelfType.CUSTOM, custom_name="Estante secreta")
    ReadingProgressFactory(user=reader, book=book, notes="Anotação secreta")
    BookReviewFactory(user=reader, book=book, text="Resenha secreta", visibility="private")

    page = signed_in(reader).get(url)  # the miss: the page is rendered for the placeholder
    assert page["X-Page-Cache"] == "miss" and "Estante secreta" in page.content.decode()
    html = stored(url)
    for secret in ("leitora_secreta", "Estante secreta", "Anotação secreta", "Resenha secreta", PRESSED):
        assert secret not in html
    assert csrf_of(page.content.decode()) not in html
    assert set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)) == {CSRF_MARK}
    assert f"<!--slot:book_shelf:{book.pk}-->" in html and "<!--slot:review:" in html


def test_a_review_slots_default_is_what_a_reader_who_neither_wrote_nor_voted_sees(url, book, settings):
    reviews = [review for review in seed_reviews(book, 4) if review.visibility == "public"]
    voter, stranger = UserFactory(), UserFactory()
    ReviewHelpfulVote.objects.create(user=voter, review=reviews[0])
    shared = [reviews_panel(signed_in(reader).get(url).content.decode()) for reader in (stranger, voter)]
    settings.PAGE_CACHE_SECONDS = 0  # rendered for each reader alone
    own = [reviews_panel(signed_in(reader).get(url).content.decode()) for reader in (stranger, voter)]
    assert [without_tokens(html) for html in shared] == [without_tokens(html) for html in own]
    assert shared[0].count(PRESSED) == 0 and shared[1].count(PRESSED) == 1


def test_the_placeholder_panel_is_the_panel_of_a_reader_who_has_nothing(url, book, settings):
    reader = UserFactory()
    shared = shelf_panel(signed_in(reader).get(url).content.decode())
    settings.PAGE_CACHE_SECONDS = 0  # rendered for the reader alone
    own = shelf_panel(signed_in(reader).get(url).content.decode())
    assert without_tokens(shared) == without_tokens(own)


def test_after_a_shelf_post_the_author_sees_it_on_the_next_get_and_others_do_not(url, book):
    reader, other = UserFactory(), UserFactory()
    client = signed_in(reader)
    token = csrf_of(client.get(url).content.decode())
    shelf = reverse("accounts:shelf_update", kwargs={"slug": book.slug})
    form = {"csrfmiddlewaretoken": token, "shelf_type": ShelfType.READ, "action": "add", "next": url}
    assert client.post(shelf, form).status_code == 302

    assert PRESSED in shelf_panel(client.get(url).content.decode())
    assert PRESSED not in shelf_panel(signed_in(other).get(url).content.decode())
    # Once the writer's moment has passed, the shared page gives them their panel all the same.
    later = signed_in(reader).get(url)
    assert later["X-Page-Cache"] == "hit" and PRESSED in shelf_panel(later.content.decode())


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("accounts:shelf_update", {"shelf_type": ShelfType.READING, "action": "add"}),
        ("accounts:progress_start", {"total_pages": 320}),
        ("accounts:review_create", {"rating": "4", "text": "Boa leitura", "visibility": "public"}),
    ],
)
def test_the_htmx_answer_to_a_write_is_the_panel_the_shared_page_gives_the_writer(url, book, path, form):
    reader = UserFactory()
    signed_in(UserFactory()).get(url)  # the shared page is stored
    client = signed_in(reader)
    token = csrf_of(client.get(url).content.decode())
    target = reverse(path, kwargs={"slug": book.slug})
    answer = client.post(target, {"csrfmiddlewaretoken": token, **form}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    signed_in(UserFactory()).get(url)  # stored again if the write changed it (a public review)
    page = signed_in(reader).get(url)  # a new session: no recent write, so the shared page
    assert page["X-Page-Cache"] == "hit"
    assert without_tokens(shelf_panel(answer.content.decode())) == without_tokens(shelf_panel(page.content.decode()))


@pytest.mark.parametrize("reviews", [2, 14])
def test_a_hit_costs_no_query_whatever_the_number_of_reviews(
    url, book, reviews, django_assert_num_queries, django_assert_max_num_queries
):
    public = [review for review in seed_reviews(book, reviews) if review.visibility == "public"]
    signed_in(UserFactory()).get(url)
    voter, owner = UserFactory(), UserFactory()
    ReviewHelpfulVote.objects.create(user=voter, review=public[0])
    services.shelf_add(user=owner, book=book, shelf_type=ShelfType.READING)
    reader, owner_client = signed_in(voter), signed_in(owner)
    for client in (reader, owner_client):
        client.get(url)  # the session, the connection and the reader's facts are warm
    # What the reader has (no shelf, one "útil" vote) comes from their cached facts.
    with django_assert_num_queries(0):
        page = reader.get(url)
    assert page["X-Page-Cache"] == "hit"
    assert reviews_panel(page.content.decode()).count(PRESSED) == 1
    # A reader with the book on a shelf: their own panel's reads.
    with django_assert_max_num_queries(5):
        assert owner_client.get(url)["X-Page-Cache"] == "hit"


def test_a_readers_cached_facts_follow_their_own_writes(url, book):
    """core.personal.reader_facts: rebuilt after the reader's write, never another's."""
    review = next(review for review in seed_reviews(book, 4) if review.visibility == "public")
    reader, other = UserFactory(), UserFactory()
    client = signed_in(reader)
    assert PRESSED not in reviews_panel(client.get(url).content.decode())  # facts stored: no vote
    token = csrf_of(client.get(url).content.decode())
    helpful = reverse("accounts:review_helpful", kwargs={"pk": review.pk})
    assert client.post(helpful, {"csrfmiddlewaretoken": token, "next": url}).status_code == 302
    later = signed_in(reader).get(url)  # a new session: the shared page, filled from their facts
    assert later["X-Page-Cache"] == "miss"  # rendered again, shared: the vote moved the reviews' version
    assert PRESSED in reviews_panel(later.content.decode())
    assert PRESSED not in reviews_panel(signed_in(other).get(url).content.decode())


def test_the_other_book_panels_read_nothing_of_the_reader(book, rf_request):
    """Debates and "Quem leu este também leu" (and the reviews panel of a book without reviews)
    are the same for the placeholder of a shared page, a reader with data and one without."""
    from catalog.tests.factories import BookFactory
    from core.microcache import shared_reader
    from core.panels import render_panels
    from debates.tests.factories import DebateTopicFactory
    from recommendations.models import ItemNeighbors, UserRecommendations

    active, newcomer = UserFactory(), UserFactory()
    DebateTopicFactory(book=book, creator=active, title="Meu debate")
    neighbour = BookFactory(title="Vizinho")
    ItemNeighbors.objects.create(book=book, neighbors=[neighbour.pk], scores=[0.9], model_version=1)
    UserRecommendations.objects.create(user=active, items=[{"book_id": book.pk, "score": 1.0, "reason": {}}])
    placeholder = rf_request(shared_reader())
    placeholder.shared_page = True
    panels = [render_panels("book", rf_request(user), book) for user in (active, newcomer)]
    panels.append(render_panels("book", placeholder, book))
    assert "Meu debate" in "".join(panels[0]) and "Vizinho" in "".join(panels[0])
    assert panels[0] == panels[1] == panels[2]
