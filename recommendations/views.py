"""A new reader's onboarding page, and JSON endpoints: a reader's recommendations and a book's similar books."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from catalog.selectors import book_detail, popular_books
from recommendations import selectors, services
from recommendations.forms import ONBOARDING_BOOKS, OnboardingForm


@login_required
def onboarding(request):
    """ "Do que você gosta?": a few genres and books, then the home page with personal picks."""
    books = popular_books(limit=ONBOARDING_BOOKS)
    form = OnboardingForm(request.POST if request.method == "POST" else None, books=books)
    if request.method == "POST":
        if form.is_valid():
            services.reader_onboard(
                user=request.user,
                categories=list(form.cleaned_data["categories"]),
                books=list(form.cleaned_data["books"]),
            )
            messages.success(request, gettext("Pronto! Suas recomendações já levam em conta o que você escolheu."))
            return redirect("core:home")
        return render(request, "recommendations/onboarding.html", {"form": form}, status=422)
    return render(request, "recommendations/onboarding.html", {"form": form})


def _book_json(book) -> dict:
    return {
        "id": book.pk,
        "slug": book.slug,
        "title": book.title,
        "authors": book.author_names,
        "url": book.get_absolute_url(),
    }


@require_GET
def for_me(request):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": gettext("Entre na sua conta para ver suas recomendações.")}, status=401)
    items = selectors.user_recommendations(user_id=request.user.pk)
    return JsonResponse(
        {
            "items": [
                {**_book_json(item["book"]), "score": item["score"], "reason": selectors.reason_text(item)}
                for item in items
            ]
        }
    )


@require_GET
def similar(request, slug: str):
    book = book_detail(slug=slug)
    if book is None:
        return JsonResponse({"detail": gettext("Livro não encontrado.")}, status=404)
    books = selectors.similar_books(book_id=book.pk)
    return JsonResponse({"book": _book_json(book), "similar": [_book_json(b) for b in books]})
