from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import profile_user_get
from catalog.models import Book
from catalog.selectors import book_list, clean_query
from core.errors import refusal_status
from core.pagination import paginate, requested_page
from core.privacy import SHARE_PARAM
from library import exports, selectors, services
from library.formats import FileRejected
from library.forms import GoalForm, ImportForm, ResolveForm
from library.models import ImportJob, ImportRow

UNMATCHED_PAGE_SIZE = 50
SEARCH_RESULTS = 10
MONTH_LABELS = ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"]


def _home_context(request, **extra) -> dict:
    year = timezone.localdate().year
    goal = selectors.goal_panel(owner=request.user, year=year, today=timezone.localdate())
    initial = {"year": year}
    if goal:
        initial.update(books=goal["goal"].books, pages=goal["goal"].pages, visibility=goal["goal"].visibility)
    context = {
        "import_form": ImportForm(),
        "goal_form": GoalForm(initial=initial),
        "goal": goal,
        "year": year,
        "jobs": selectors.recent_jobs(user=request.user),
    }
    context.update(extra)
    return context


@login_required
def home(request):
    return render(request, "library/home.html", _home_context(request))


@login_required
@require_POST
def import_upload(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "library/home.html", _home_context(request, import_form=form), status=422)
    upload = form.cleaned_data["file"]
    try:
        job = services.import_job_create(user=request.user, file_name=upload.name, data=upload.read())
    except FileRejected as exc:
        form.add_error("file", str(exc))
        return render(request, "library/home.html", _home_context(request, import_form=form), status=422)
    except ValidationError as exc:
        form.add_error(None, exc)
        status = refusal_status(exc)
        return render(request, "library/home.html", _home_context(request, import_form=form), status=status)
    return redirect("library:import_detail", pk=job.pk)


def _job_context(request, job: ImportJob) -> dict:
    page = paginate(selectors.unmatched_rows(job=job), number=requested_page(request.GET), per_page=UNMATCHED_PAGE_SIZE)
    return {"job": job, "unmatched_page": page, "problems": selectors.problem_rows(job=job)}


@login_required
@require_GET
def import_detail(request, pk: int):
    job = selectors.own_job(user=request.user, pk=pk)
    return render(request, "library/import_detail.html", _job_context(request, job))


@login_required
@require_GET
def import_progress(request, pk: int):
    """The polled fragment; once the job ends, htmx reloads the page to list unmatched rows."""
    job = selectors.own_job(user=request.user, pk=pk)
    response = render(request, "library/partials/import_progress.html", {"job": job})
    if not job.is_active:
        response["HX-Refresh"] = "true"
    return response


def _job_action(request, pk: int, action, done_message: str):
    """Cancel or retry: the service decides; a refusal re-renders the job page with 409."""
    job = selectors.own_job(user=request.user, pk=pk)
    try:
        action(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "library/import_detail.html", _job_context(request, job), status=409)
    messages.success(request, done_message)
    return redirect("library:import_detail", pk=job.pk)


@login_required
@require_POST
def import_cancel(request, pk: int):
    message = _("Importação cancelada. Os livros já importados continuam na sua biblioteca.")
    return _job_action(request, pk, services.import_job_cancel, message)


@login_required
@require_POST
def import_retry(request, pk: int):
    return _job_action(request, pk, services.import_job_retry, _("Importação retomada de onde parou."))


@login_required
def import_row(request, pk: int, row_pk: int):
    job = selectors.own_job(user=request.user, pk=pk)
    row = get_object_or_404(ImportRow, pk=row_pk, job=job)
    q = clean_query(request.GET.get("q") or row.raw.get("Title", ""))
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "skip":
                services.import_row_skip(row=row, user=request.user)
                messages.success(request, _("Linha %(number)d ignorada.") % {"number": row.row_number})
                return redirect("library:import_detail", pk=job.pk)
            form = ResolveForm(request.POST)
            book = Book.objects.filter(pk=form.cleaned_data["book"]).first() if form.is_valid() else None
            if book is None:
                raise ValidationError(_("Escolha um livro do catálogo."))
            row = services.import_row_resolve(row=row, user=request.user, book=book)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            row.refresh_from_db()
            status = 409 if row.status != ImportRow.Status.UNMATCHED else 422
        else:
            messages.success(request, _("“%(title)s” foi adicionado à sua biblioteca.") % {"title": book.title})
            return redirect("library:import_detail", pk=job.pk)
    results = list(book_list(q=q)[:SEARCH_RESULTS]) if q else []
    context = {"job": job, "row": row, "q": q, "results": results}
    return render(request, "library/import_row.html", context, status=status)


@login_required
@require_GET
def export_goodreads(request):
    response = StreamingHttpResponse(exports.goodreads_csv(user=request.user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cgbookstore-biblioteca.csv"'
    return response


@login_required
@require_GET
def export_account(request):
    response = StreamingHttpResponse(exports.account_json(user=request.user), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="cgbookstore-conta.json"'
    return response


@login_required
@require_POST
def goal_update(request):
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_set(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Meta de leitura salva."))
            return redirect("library:home")
    return render(request, "library/home.html", _home_context(request, goal_form=form), status=422)


def _year_context(request, username: str, year: int) -> dict:
    if not 1900 <= year <= 2100:
        raise Http404(_("Ano fora do intervalo."))
    owner = profile_user_get(username=username)
    is_owner = request.user.pk == owner.pk
    today = timezone.localdate()
    goal = selectors.visible_goal_panel(
        owner=owner, viewer=request.user, year=year, today=today, token=request.GET.get(selectors.GOAL_SHARE_PARAM)
    )
    try:
        stats = selectors.year_stats(owner=owner, viewer=request.user, year=year, token=request.GET.get(SHARE_PARAM))
    except PermissionDenied:
        if not goal:
            raise
        stats = None  # a goal shared by its link, with the Lidos shelf hidden
    share = selectors.year_share_params(owner=owner, goal=goal and goal["goal"]) if is_owner else {}
    return {
        "profile_user": owner,
        "is_owner": is_owner,
        "year": year,
        "stats": stats,
        "goal": goal,
        # Others keep the link's tokens when moving between a year's two pages.
        "share_query": urlencode(share if is_owner else _share_params(request)),
        "pace": selectors.reading_pace(stats, today=today) if stats else None,
        "month_labels": MONTH_LABELS,
        "chart": _stats_chart(stats) if stats else None,
    }


def _stats_chart(stats: dict) -> dict:
    return {
        "months": {
            "labels": MONTH_LABELS,
            "books": [row["books"] for row in stats["months"]],
            "pages": [row["pages"] for row in stats["months"]],
        },
        "ratings": {
            "labels": [f"{row['rating']:g}".replace(".", ",") for row in stats["ratings"]],
            "counts": [row["count"] for row in stats["ratings"]],
        },
        "buckets": {
            "labels": [row["label"] for row in stats["page_buckets"]],
            "counts": [row["count"] for row in stats["page_buckets"]],
        },
    }


def _share_params(request) -> dict[str, str]:
    names = (SHARE_PARAM, selectors.GOAL_SHARE_PARAM)
    return {name: request.GET[name][:100] for name in names if request.GET.get(name)}


@require_GET
def year_stats(request, username: str, year: int):
    return render(request, "library/year_stats.html", _year_context(request, username, year))


@require_GET
def year_summary(request, username: str, year: int):
    """ "Seu ano em livros": a visual page meant to be shared (covers, totals, highlights, months)."""
    context = _year_context(request, username, year)
    if context["stats"] is not None:
        context["year_books"] = selectors.year_books(
            owner=context["profile_user"], viewer=request.user, year=year, token=request.GET.get(SHARE_PARAM)
        )
    return render(request, "library/year_summary.html", context)
