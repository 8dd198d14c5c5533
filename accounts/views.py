from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import panels, selectors, services
from accounts.filters import ShelfFilter
from accounts.forms import ProfileForm, ProgressForm, ProgressStartForm, ReviewForm, ShelfForm, ShelfVisibilityForm
from accounts.models import BookReview, BookShelf, ReadingProgress
from accounts.widgets import helpful_widget
from catalog.models import Book
from core.cache import depends_on
from core.errors import refusal_message, refusal_status
from core.http import next_url
from core.microcache import anonymous_page_cache, reader_page_cache
from core.moderation import can_moderate
from core.pagination import PAGE_ALIAS, PAGE_PARAM, paginate, requested_page
from core.panels import panels_shareable, render_panels
from core.personal import reader_namespace
from core.privacy import SHARE_PARAM, Visibility
from core.ratelimit import rate_limit

SHELF_PAGE_SIZE = 24
REVIEWS_PAGE_SIZE = 20


# --- helpers ------------------------------------------------------------------------------


def _back(request, fallback: str):
    return HttpResponseRedirect(next_url(request, fallback))


def _error_messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [message for messages_ in error.values() for message in messages_]  # form.errors


def _fail(request, book: Book, error, *, status: int = 422):
    """A rejected write: the re-rendered panel for htmx, a small error page otherwise."""
    errors = _error_messages(error)
    if request.htmx:
        context = panels.book_shelf_context(request, book, errors=errors)
        html = render_to_string("accounts/panels/book_shelf.html", context, request=request)
        return HttpResponse(html, status=status)
    context = {"book": book, "errors": errors}
    return render(request, "accounts/form_error.html", context, status=status)


def _done(request, book: Book, message: str):
    if request.htmx:
        return HttpResponse(panels.book_shelf_panel(request, book))
    messages.success(request, message)
    return _back(request, book.get_absolute_url())


def _own_progress(request, pk: int) -> ReadingProgress:
    progress = get_object_or_404(ReadingProgress.objects.select_related("book", "user"), pk=pk)
    services.progress_check_owner(progress=progress, user=request.user)
    return progress


def _own_review(request, pk: int) -> BookReview:
    # Another reader's non-public review is a 404, as on its page: no probing for it.
    review = selectors.review_for_viewer(pk=pk, viewer=request.user, token=None)
    if review.user_id != request.user.pk:
        raise PermissionDenied(_("Esta resenha é de outro leitor."))
    return review


# --- profile ------------------------------------------------------------------------------


def _seen_as_stranger(request, username: str) -> bool:
    """Signed-in readers share the profile a stranger sees (its owner sees every item)."""
    return request.user.username != username and panels_shareable("profile", request, username=username)


def _is_owner(request, username: str) -> bool:
    return request.user.username == username


@anonymous_page_cache(until_changed=True, from_shared=True)
@reader_page_cache(shareable=_seen_as_stranger, own=_is_owner, until_changed=True)
def profile(request, username: str):
    """A reader's profile. Stored pages live until the owner writes anything (`reader:<id>`,
    bumped by their requests and by what others change of theirs: a moderator hiding an item,
    an import) or their follows change (the social panel's namespace). Visitors and signed-in
    strangers share one rendering (from_shared); the owner's own is stored for them alone."""
    owner = selectors.profile_user_get(username=username)
    depends_on(reader_namespace(owner.pk))
    is_owner = request.user.pk == owner.pk
    shelves = selectors.shelf_counts(user=owner, listed_only=not is_owner)
    context = {
        "profile_user": owner,
        "profile": owner.profile,
        "favorite_categories": selectors.favorite_categories(profile=owner.profile),
        "is_owner": is_owner,
        "shelves": shelves,
        "recent_entries": selectors.recent_shelf_entries(user=owner, listed_only=not is_owner),
        "reviews": selectors.profile_reviews(user=owner, is_owner=is_owner),
        # The stats are made of the Lidos shelf: shown when it is listed (no extra query).
        "stats_visible": any(shelf["shelf_type"] == BookShelf.ShelfType.READ for shelf in shelves),
    }
    if context["stats_visible"]:
        stats = selectors.reading_stats(user=owner)
        context.update(
            stats=stats,
            stats_chart={
                "labels": [row["month"].strftime("%m/%Y") for row in stats],
                "books": [row["books"] for row in stats],
                "pages": [row["pages"] for row in stats],
            },
            stats_total_books=sum(row["books"] for row in stats),
            stats_total_pages=sum(row["pages"] for row in stats),
        )
    context["panels"] = render_panels("profile", request, owner)
    return render(request, "accounts/profile.html", context)


@login_required
def profile_settings(request):
    profile = request.user.profile
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.profile_update(
                    profile=profile,
                    bio=form.cleaned_data["bio"],
                    favorite_categories=list(form.cleaned_data["favorite_categories"]),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Perfil atualizado."))
                return redirect("accounts:profile", username=request.user.username)
        return render(request, "accounts/profile_settings.html", {"form": form}, status=422)
    return render(request, "accounts/profile_settings.html", {"form": form})


def shelves(request, username: str):
    """A reader's shelves: others see the public ones, or one unlisted shelf through its link."""
    owner = selectors.profile_user_get(username=username)
    is_owner = request.user.pk == owner.pk
    choices = ShelfFilter.parse(request.GET).choices
    shelf_type, custom_name, sort = choices["shelf_type"], choices["custom_name"], choices["sort"]
    token = request.GET.get(SHARE_PARAM)
    # One shelf is opened (custom ones by name); "custom" without a name is an overview.
    opened = bool(shelf_type) and (shelf_type != BookShelf.ShelfType.CUSTOM or bool(custom_name))
    if opened and not selectors.can_view_shelf(
        viewer=request.user, owner=owner, shelf_type=shelf_type, custom_name=custom_name, token=token
    ):
        raise Http404(_("Estante não encontrada."))
    # An opened shelf is shown whole; an overview lists only what the viewer may see.
    entries = selectors.shelf_entries(
        user=owner, shelf_type=shelf_type, custom_name=custom_name, listed_only=not (is_owner or opened)
    )
    rows = selectors.shelf_rows(entries=entries, owner=owner, is_owner=is_owner, sort=sort)
    page = paginate(rows, number=requested_page(request.GET), per_page=SHELF_PAGE_SIZE)
    page.object_list = selectors.shelf_page_books(rows=list(page.object_list), entries=entries)
    view = "tabela" if request.GET.get("vista") == "tabela" else "grade"
    context = {
        "profile_user": owner,
        "is_owner": is_owner,
        "shelves": selectors.shelf_counts(user=owner, listed_only=not is_owner),
        "current_type": shelf_type,
        "current_name": custom_name,
        "share_token": token if shelf_type and token else "",
        "visibility_choices": Visibility.choices,
        "page": page,
        "sort": sort,
        "view": view,
        "sort_links": _shelf_sort_links(request, sort),
    }
    return render(request, "accounts/shelves.html", context)


def _query_with(request, **changes) -> str:
    """This page's query string with some parameters changed (and back to page 1)."""
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    query.pop(PAGE_ALIAS, None)
    for name, value in changes.items():
        query[name] = value
    return f"?{query.urlencode()}"


def _shelf_sort_links(request, sort: str) -> list[dict]:
    """Column headers of the table: each links to its sort, or to the reverse when it is the current one."""
    links = []
    for key, (label, _column) in selectors.SHELF_SORTS.items():
        current = sort.lstrip("-") == key
        if current:
            target = key if sort.startswith("-") else f"-{key}"
        else:
            target = f"-{key}" if key in selectors.SHELF_SORT_DEFAULT_DESC else key
        links.append(
            {
                "label": label,
                "url": _query_with(request, ordem=target),
                "sort": ("descending" if sort.startswith("-") else "ascending") if current else "none",
            }
        )
    return links


@login_required
@require_POST
@rate_limit("shelf_write")
def shelf_visibility_update(request):
    form = ShelfVisibilityForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_error_messages(form.errors))
        services.shelf_visibility_set(user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        context = {
            "errors": _error_messages(exc),
            "back_url": reverse("accounts:shelves", args=[request.user.username]),
        }
        return render(request, "accounts/form_error.html", context, status=422)
    messages.success(request, _("Visibilidade da estante salva."))
    return _back(request, reverse("accounts:shelves", kwargs={"username": request.user.username}))


# --- shelves and progress (POST endpoints of the book page) -------------------------------


@login_required
@require_POST
@rate_limit("shelf_write")
def shelf_update(request, slug: str):
    book = get_object_or_404(Book, slug=slug)
    form = ShelfForm(request.POST)
    if not form.is_valid():
        return _fail(request, book, form.errors)
    data = form.cleaned_data
    try:
        if data["action"] == "remove":
            services.shelf_remove(
                user=request.user, book=book, shelf_type=data["shelf_type"], custom_name=data["custom_name"]
            )
            message = _("Livro removido da estante.")
        else:
            entry = services.shelf_add(
                user=request.user, book=book, shelf_type=data["shelf_type"], custom_name=data["custom_name"]
            )
            message = _("Livro adicionado a “%(shelf)s”.") % {"shelf": entry.shelf_label}
    except ValidationError as exc:
        return _fail(request, book, exc)
    return _done(request, book, message)


@login_required
@require_POST
@rate_limit("shelf_write")
def progress_start(request, slug: str):
    book = get_object_or_404(Book, slug=slug)
    form = ProgressStartForm(request.POST)
    if not form.is_valid():
        return _fail(request, book, form.errors)
    try:
        services.progress_start(user=request.user, book=book, total_pages=form.cleaned_data["total_pages"])
    except ValidationError as exc:
        return _fail(request, book, exc)
    return _done(request, book, _("Leitura iniciada."))


@login_required
@require_POST
@rate_limit("shelf_write")
def progress_update(request, pk: int):
    progress = _own_progress(request, pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return _fail(request, progress.book, form.errors)
    data = form.cleaned_data
    try:
        progress = services.progress_update(
            progress=progress,
            user=request.user,
            current_page=data["current_page"],
            total_pages=data["total_pages"],
            deadline=data["deadline"],
            notes=data["notes"],
        )
    except ValidationError as exc:
        return _fail(request, progress.book, exc)
    message = _("Leitura concluída! O livro foi para Lidos.") if progress.finished_at else _("Progresso salvo.")
    return _done(request, progress.book, message)


@login_required
@require_POST
@rate_limit("shelf_write")
def progress_abandon(request, pk: int):
    progress = _own_progress(request, pk)
    services.progress_abandon(progress=progress, user=request.user)
    return _done(request, progress.book, _("Leitura abandonada."))


@login_required
@require_POST
@rate_limit("shelf_write")
def progress_restore(request, pk: int):
    progress = _own_progress(request, pk)
    services.progress_restore(progress=progress, user=request.user)
    return _done(request, progress.book, _("Leitura retomada."))


# --- reviews ------------------------------------------------------------------------------


def _review_fields(data: dict) -> dict:
    return {name: data[name] for name in services.REVIEW_FIELDS if data[name] is not None}


@login_required
@require_POST
@rate_limit("review_write")
def review_create(request, slug: str):
    book = get_object_or_404(Book, slug=slug)
    form = ReviewForm(request.POST, auto_id="id_review_%s")
    if not form.is_valid():
        return _fail(request, book, form.errors)
    try:
        services.review_create(
            user=request.user, book=book, rating=form.cleaned_data["rating"], **_review_fields(form.cleaned_data)
        )
    except services.ReviewExists as exc:
        return _fail(request, book, exc, status=409)
    except ValidationError as exc:
        return _fail(request, book, exc)
    return _done(request, book, _("Avaliação publicada."))


@login_required
@rate_limit("review_write")
def review_edit(request, pk: int):
    review = _own_review(request, pk)
    initial = {name: getattr(review, name) for name in ("rating", *services.REVIEW_FIELDS)}
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"form": form, "review": review, "next_url": next_url(request, "")}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_update(
                    review=review,
                    user=request.user,
                    rating=form.cleaned_data["rating"],
                    **_review_fields(form.cleaned_data),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Avaliação atualizada."))
                return _back(request, review.book.get_absolute_url())
        return render(request, "accounts/review_form.html", context, status=422)
    return render(request, "accounts/review_form.html", context)


@login_required
@require_POST
@rate_limit("review_write")
def review_delete(request, pk: int):
    review = _own_review(request, pk)
    book = review.book
    services.review_delete(review=review, user=request.user)
    return _done(request, book, _("Avaliação excluída."))


@login_required
@require_POST
@rate_limit("vote")
def review_helpful(request, pk: int):
    review = selectors.review_for_viewer(pk=pk, viewer=request.user, token=request.POST.get(SHARE_PARAM))
    try:
        voted = services.review_mark_helpful(review=review, user=request.user)
    except (PermissionDenied, ValidationError) as exc:
        if request.htmx:
            return HttpResponse(refusal_message(exc), status=refusal_status(exc))
        if isinstance(exc, PermissionDenied):
            raise
        return _fail(request, review.book, exc, status=refusal_status(exc))
    review.refresh_from_db(fields=["helpful_count"])
    if request.htmx:
        next_url = review.book.get_absolute_url()
        html = helpful_widget(
            review, viewer=request.user, voted=voted, csrf_token=get_token(request), next_url=next_url
        )
        return HttpResponse(html)
    messages.success(request, _("Obrigado pelo voto.") if voted else _("Voto removido."))
    return _back(request, review.book.get_absolute_url())


def review_detail(request, pk: int):
    """One review's own page: its link is how an unlisted review is shared."""
    review = selectors.review_for_viewer(pk=pk, viewer=request.user, token=request.GET.get(SHARE_PARAM))
    is_owner = request.user.pk == review.user_id
    context = {
        "review": review,
        "is_owner": is_owner,
        # Reaching an unlisted review means holding its link (or owning it): keep it in links.
        "share_token": selectors.review_share_token(review) if review.visibility == Visibility.UNLISTED else "",
        "can_moderate": can_moderate(request.user),
        "helpful_ids": selectors.helpful_review_ids(user=request.user, reviews=[review]),
    }
    if context["can_moderate"]:
        context["edits"] = selectors.review_edits(review_id=review.pk)
    return render(request, "accounts/review_detail.html", context)


def book_reviews(request, slug: str):
    book = get_object_or_404(Book, slug=slug)
    page = paginate(selectors.public_reviews(book=book), number=requested_page(request.GET), per_page=REVIEWS_PAGE_SIZE)
    context = {
        "book": book,
        "page": page,
        "helpful_ids": selectors.helpful_review_ids(user=request.user, reviews=list(page.object_list)),
    }
    return render(request, "accounts/book_reviews.html", context)
