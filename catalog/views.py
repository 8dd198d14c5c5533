from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog import cache as catalog_cache
from catalog import selectors, services
from catalog.filters import BookFilter
from catalog.forms import BookPagesForm
from catalog.models import Author, Book, Category
from core.cache import depends_on
from core.microcache import anonymous_page_cache, reader_page_cache
from core.moderation import can_moderate
from core.pagination import paginate, requested_page
from core.panels import render_panels


def _page(request, queryset):
    return paginate(queryset, number=requested_page(request.GET), per_page=settings.CATALOG_PAGE_SIZE)


@anonymous_page_cache
@reader_page_cache
def book_list(request):
    filterset = BookFilter.parse(request.GET)
    q, sort, category, tag = filterset.choices.values()
    page_obj = _page(request, filterset.qs)
    context = {
        "page_obj": page_obj,
        "q": q,
        "sort": sort,
        "sorts": selectors.SORTS,
        "category": category,
        "tag": tag,
        "categories": selectors.categories_for_filter(),
    }
    if q and page_obj.number == 1:
        context["authors"] = selectors.authors_matching(q=q)
        if not page_obj.paginator.count:
            context["fallback"] = selectors.search_fallback(q=q, category=category, tag=tag)
    return render(request, "catalog/book_list.html", context)


@anonymous_page_cache(until_changed="BOOK_PAGE_SECONDS", from_shared=True)
@reader_page_cache(until_changed="BOOK_PAGE_SECONDS")
def book_detail(request, slug):
    """A book's page. Stored pages live until something they show changes (BOOK_PAGE_SECONDS
    at most): the book (its cached data is dropped and its pages purged), its reviews, its
    debates or its similar books (namespaces its panels read). One rendering serves visitors and signed-in
    readers (from_shared): the first view of a long-tail book is the only one rendered."""
    # An edit: every variant of the page. The book data's namespace is read along (one round trip).
    depends_on(catalog_cache.book_page_namespace(slug), catalog_cache.BOOK_NAMESPACE)
    book = selectors.book_detail(slug=slug)
    if book is None:
        raise Http404(_("Livro não encontrado."))
    context = {
        "book": book,
        # "book_actions" sit next to the title (the reader's shelf buttons), "book" below the details.
        "actions": render_panels("book_actions", request, book),
        "panels": render_panels("book", request, book),
    }
    return render(request, "catalog/book_detail.html", context)


@anonymous_page_cache
@reader_page_cache
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    return render(
        request,
        "catalog/author_detail.html",
        {"author": author, "page_obj": _page(request, selectors.books_by_author(author=author))},
    )


@anonymous_page_cache
@reader_page_cache
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    sort = selectors.clean_sort(request.GET.get("sort"))
    books = selectors.book_list(sort=sort, category=category)
    return render(
        request,
        "catalog/category_detail.html",
        {"category": category, "page_obj": _page(request, books), "sort": sort, "sorts": selectors.SORTS},
    )


@login_required
def book_edit(request, slug):
    """Librarians (moderators) correct a book's page count; the page shows the edit history."""
    if not can_moderate(request.user):
        raise PermissionDenied(_("Só bibliotecários (moderadores) editam os dados de um livro."))
    book = get_object_or_404(Book.objects.only("title", "slug", "pages"), slug=slug)
    form = BookPagesForm(request.POST or None, initial={"pages": book.pages})
    if request.method == "POST" and form.is_valid():
        try:
            services.book_pages_set(book=book, pages=form.cleaned_data["pages"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Dados do livro atualizados."))
            return redirect("catalog:book_edit", slug=book.slug)
    status = 400 if form.errors else 200
    context = {"book": book, "form": form, "edits": selectors.book_edits(book=book)}
    return render(request, "catalog/book_edit.html", context, status=status)
