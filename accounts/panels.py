"""Sections this app adds to pages of lower apps (home, book page); see core.panels."""

import functools

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.translation import get_language

from accounts import cache as accounts_cache
from accounts import selectors
from accounts.forms import ProgressForm, ProgressStartForm, ReviewForm
from accounts.models import BookReview, BookShelf
from accounts.widgets import review_viewer_bits
from catalog.cache import book_page_namespace
from catalog.models import Book
from core.cache import cached, get_many_fetched, read_versions, set_each
from core.fragments import CSRF_MARK, fill_page, slot
from core.limits import model_limit
from core.microcache import shared_reader
from core.personal import OWN_DATA_TIMEOUT, made_on, reader_facts, reader_namespace
from core.privacy import Visibility
from core.replica import primary_reads
from core.reversing import reverse

ShelfType = BookShelf.ShelfType
LIBRARY_FACTS = "accounts_library"  # core.personal.register_facts, in AccountsConfig.ready()
_NO_STATE = {
    "status_entry": None,
    "on_favorites": False,
    "custom_entries": [],
    "custom_names": [],
    "progress": None,
    "own_review": None,
}


def _book_context(book) -> dict:
    return {
        "book": book,
        "shelf_types": ShelfType,
        "status_shelves": BookShelf.STATUS_SHELVES,
        "custom_name_max": model_limit(BookShelf, "custom_name"),
    }


def book_shelf_context(request, book, **extra) -> dict:
    context = _book_context(book)
    if request.user.is_authenticated:
        state = selectors.viewer_book_state(user=request.user, book=book)
        progress = state["progress"]
        context.update(state)
        if progress and not extra.get("progress_form"):
            context["progress_form"] = ProgressForm(
                initial={
                    "current_page": progress.current_page,
                    "total_pages": progress.total_pages,
                    "deadline": progress.deadline,
                    "notes": progress.notes,
                },
                auto_id="id_progress_%s",
            )
        if not progress:
            context["progress_start_form"] = ProgressStartForm(
                initial={"total_pages": book.pages}, auto_id="id_progress_start_%s"
            )
        if not state["own_review"] and not extra.get("review_form"):
            context["review_fields_html"] = _blank_review_fields(get_language())
    else:
        context["login_url"] = f"{reverse('account_login')}?next={book.get_absolute_url()}"
    context.update(extra)
    return context


@functools.lru_cache(maxsize=8)
def _blank_review_fields(language: str) -> str:
    """The empty review form is the same for every reader and book: rendered once per language."""
    return render_to_string("accounts/partials/review_fields.html", {"form": ReviewForm(auto_id="id_review_%s")})


# A book no row has: the placeholder's panel is rendered once for it, then given each book's.
_STAND_IN_PK, _STAND_IN_SLUG = 987654321, "livro-em-branco"


@functools.lru_cache(maxsize=8)
def _placeholder_panel(language: str, script_prefix: str) -> str:
    """The panel of a reader who has nothing of the book (a shared page's placeholder): the
    same for every book but for its id and links, so rendered once per language."""
    book = Book(pk=_STAND_IN_PK, slug=_STAND_IN_SLUG)
    context = {
        **_book_context(book),
        **_NO_STATE,
        "review_fields_html": _blank_review_fields(language),
        "user": shared_reader(),
        "csrf_token": CSRF_MARK,
    }
    return render_to_string("accounts/panels/book_shelf.html", context)


def book_shelf_panel(request, book) -> str:
    """ "Na sua estante": shelf buttons, reading progress and the viewer's review. On a shared
    page, the placeholder's panel (nothing shelved, a blank review form) in a slot that
    `fill_book_shelf` gives each reader who has something of the book."""
    if getattr(request, "shared_page", False):
        html = _placeholder_panel(get_language(), get_script_prefix())
        html = html.replace(str(_STAND_IN_PK), str(book.pk)).replace(_STAND_IN_SLUG, book.slug)
        return slot("book_shelf", book.pk, html)
    return render_to_string("accounts/panels/book_shelf.html", book_shelf_context(request, book), request=request)


def fill_book_shelf(request, found) -> dict[int, str]:
    """Filler of the "book_shelf" slots: the reader's cached facts say which books they have
    something of (with a custom shelf, every book); their own panel goes there (as the htmx
    answers to their writes render it), the placeholder's stays on the others."""
    book_ids = [pk for pk, *_extra in found]
    library = reader_facts(request, LIBRARY_FACTS)
    if library is not None and not library.has_custom_shelf:
        book_ids = [pk for pk in book_ids if pk in library.book_ids]  # most often none: no query
    books = selectors.books_with_viewer_state(user=request.user, book_ids=book_ids)
    return _own_panels(request, books) if books else {}


def _own_panels(request, books: list[Book]) -> dict[int, str]:
    """The reader's own panels on these books, kept per reader and book: building one costs four
    queries and the forms, on every view of a book they have something of. A copy serves while
    the reader has written nothing (`reader:<id>`, bumped by their writes, a moderator's on their
    review, an import) and the book's page is unchanged (its namespace: a librarian's edit), on
    the day it was made (the progress's pace and forecast) and in its language; it carries a CSRF
    mark where the reader's token goes. What nothing bumps (an admin's edit) lives
    OWN_DATA_TIMEOUT at most, as the reader's other sections."""
    reader_id = request.user.pk
    reader_version, *book_versions = read_versions(
        [reader_namespace(reader_id), *(book_page_namespace(book.slug) for book in books)]
    )
    made = (*made_on(), get_script_prefix(), reader_version)
    keys = {book.pk: f"accounts:own-shelf:{reader_id}:{book.pk}" for book in books}
    stored = get_many_fetched(list(keys.values()))
    panels, fresh = {}, {}
    for book, book_version in zip(books, book_versions, strict=True):
        stamp, hit = (*made, book_version), stored.get(keys[book.pk])
        if hit is not None and hit[0] == stamp:
            panels[book.pk] = hit[1]
            continue
        with primary_reads():  # a copy built from a lagging replica would outlive the lag
            context = {**book_shelf_context(request, book), "user": request.user, "csrf_token": CSRF_MARK}
            panels[book.pk] = render_to_string("accounts/panels/book_shelf.html", context)
        fresh[keys[book.pk]] = ((stamp, panels[book.pk]), OWN_DATA_TIMEOUT)
    set_each(fresh)
    return panels


@functools.lru_cache(maxsize=8)
def _visitor_panel(language: str, script_prefix: str) -> tuple[str, str]:
    """A signed-out visitor's panel (a link to sign in and come back), once per language, and
    the stand-in book's path in it."""
    book = Book(pk=_STAND_IN_PK, slug=_STAND_IN_SLUG)
    book_path = book.get_absolute_url()
    login_url = f"{reverse('account_login')}?next={book_path}"
    html = render_to_string("accounts/panels/book_shelf.html", {**_book_context(book), "login_url": login_url})
    return html, book_path


def fill_book_shelf_visitor(request, found) -> dict[int, str]:
    """Visitor filler of the "book_shelf" slot: it sits on the book's own page, so the page's
    path is where signing in leads back to."""
    html, stand_in_path = _visitor_panel(get_language(), get_script_prefix())
    html = html.replace(stand_in_path, request.path)
    return {pk: html for pk, *_extra in found}


def book_reviews_panel(request, book) -> str:
    """ "Avaliações": rating summary and the most helpful public reviews, rendered once per
    version of the book's reviews; a signed-in reader's helpful votes and report links fill
    the "review" slots of that HTML (`fill_review_bits`): now, or on a shared page, for each
    reader once the page is served."""
    signed_in = request.user.is_authenticated

    def build() -> str:
        summary = selectors.book_reviews_summary(book=book)
        context = {"book": book, "summary": summary, "reviews": summary["reviews"], "viewer_marks": signed_in}
        return render_to_string("accounts/panels/book_reviews.html", context)

    html = cached(accounts_cache.book_reviews_html_key(book.pk, signed_in=signed_in), build, late=True)
    if not signed_in or getattr(request, "shared_page", False):
        return html
    return fill_page(request, html)


def fill_review_bits(request, found) -> dict[int, str]:
    """Filler of the "review" slots (accounts_tags.review_mark): the reader's own reviews and
    those they found useful, from their cached facts (one query for a reader with too many to
    cache); the slot's default stays on the others (most often all of them)."""
    reader = request.user
    library = reader_facts(request, LIBRARY_FACTS)
    if library is None:
        voted = selectors.helpful_vote_ids(user=reader, review_ids=[pk for pk, *_extra in found])
    else:
        voted = library.helpful_review_ids
    reader_id, next_url = reader.pk, request.path  # the page of the slots: the book's
    fills = {}
    for pk, user_id, helpful_count, hidden in found:
        if user_id != reader_id and pk not in voted:
            continue
        review = BookReview(
            pk=pk, user_id=user_id, helpful_count=helpful_count, visibility=Visibility.PUBLIC, is_hidden=bool(hidden)
        )
        fills[pk] = review_viewer_bits(
            review, viewer=reader, voted=pk in voted, csrf_token=CSRF_MARK, next_url=next_url
        )
    return fills


def fill_review_bits_visitor(request, found) -> dict[int, str]:
    """Visitor filler of the "review" slots: the helpful count as text, no vote, no report link."""
    visitor = AnonymousUser()
    return {
        pk: review_viewer_bits(
            BookReview(pk=pk, user_id=user_id, helpful_count=helpful_count, visibility=Visibility.PUBLIC),
            viewer=visitor,
            voted=False,
            csrf_token="",
            next_url="",
        )
        for pk, user_id, helpful_count, _hidden in found
    }


def continue_reading_panel(request, obj) -> str:
    if not request.user.is_authenticated:
        return ""
    readings = selectors.continue_reading(user=request.user)
    if not readings:
        return ""
    return render_to_string("accounts/panels/continue_reading.html", {"readings": readings}, request=request)
