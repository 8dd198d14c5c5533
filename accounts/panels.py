"""Sections this app adds to pages of lower apps (home, book page); see core.panels."""

import functools

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from accounts import cache as accounts_cache
from accounts import selectors
from accounts.forms import ProgressForm, ProgressStartForm, ReviewForm
from accounts.models import BookShelf
from accounts.widgets import review_viewer_bits
from core.cache import cached
from core.fragments import fill_marks

ShelfType = BookShelf.ShelfType


def book_shelf_context(request, book, **extra) -> dict:
    context = {
        "book": book,
        "shelf_types": ShelfType,
        "status_shelves": BookShelf.STATUS_SHELVES,
        "custom_name_max": BookShelf.CUSTOM_NAME_MAX_LENGTH,
    }
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


def book_shelf_panel(request, book) -> str:
    """ "Na sua estante": shelf buttons, reading progress and the viewer's review."""
    return render_to_string("accounts/panels/book_shelf.html", book_shelf_context(request, book), request=request)


def book_reviews_panel(request, book) -> str:
    """ "Avaliações": rating summary and the most helpful public reviews, rendered once per
    version of the book's reviews; a signed-in reader's helpful votes and report links fill
    the marks of the shared HTML (one query for their votes)."""
    signed_in = request.user.is_authenticated

    def build() -> str:
        summary = selectors.book_reviews_summary(book=book)
        context = {"book": book, "summary": summary, "reviews": summary["reviews"], "viewer_marks": signed_in}
        return render_to_string("accounts/panels/book_reviews.html", context)

    html = cached(accounts_cache.book_reviews_html_key(book.pk, signed_in=signed_in), build)
    return fill_marks(html, "review", lambda found: _review_viewer_bits(request, book))


def _review_viewer_bits(request, book) -> dict[int, str]:
    reviews = selectors.book_reviews_summary(book=book)["reviews"]
    helpful_ids = selectors.helpful_review_ids(user=request.user, reviews=reviews)
    token, next_url = get_token(request), book.get_absolute_url()
    return {
        review.pk: review_viewer_bits(
            review, viewer=request.user, voted=review.pk in helpful_ids, csrf_token=token, next_url=next_url
        )
        for review in reviews
    }


def continue_reading_panel(request, obj) -> str:
    if not request.user.is_authenticated:
        return ""
    readings = selectors.continue_reading(user=request.user)
    if not readings:
        return ""
    return render_to_string("accounts/panels/continue_reading.html", {"readings": readings}, request=request)
