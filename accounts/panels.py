"""Sections this app adds to pages of lower apps (home, book page); see core.panels."""

from django.template.loader import render_to_string
from django.urls import reverse

from accounts import selectors
from accounts.forms import ProgressForm, ProgressStartForm, ReviewForm
from accounts.models import BookShelf

ShelfType = BookShelf.ShelfType


def book_shelf_context(request, book, **extra) -> dict:
    context = {"book": book, "shelf_types": ShelfType, "status_shelves": BookShelf.STATUS_SHELVES}
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
            context["review_form"] = ReviewForm(auto_id="id_review_%s")
    else:
        context["login_url"] = f"{reverse('account_login')}?next={book.get_absolute_url()}"
    context.update(extra)
    return context


def book_shelf_panel(request, book) -> str:
    """ "Na sua estante": shelf buttons, reading progress and the viewer's review."""
    return render_to_string("accounts/panels/book_shelf.html", book_shelf_context(request, book), request=request)


def book_reviews_panel(request, book) -> str:
    """ "Avaliações": rating summary (cached per book) and the most helpful public reviews."""
    summary = selectors.book_reviews_summary(book=book)
    context = {
        "book": book,
        "summary": summary,
        "reviews": summary["reviews"],
        "helpful_ids": selectors.helpful_review_ids(user=request.user, reviews=summary["reviews"]),
    }
    return render_to_string("accounts/panels/book_reviews.html", context, request=request)


def continue_reading_panel(request, obj) -> str:
    if not request.user.is_authenticated:
        return ""
    readings = selectors.continue_reading(user=request.user)
    if not readings:
        return ""
    return render_to_string("accounts/panels/continue_reading.html", {"readings": readings}, request=request)
