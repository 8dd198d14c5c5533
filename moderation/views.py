"""Moderation pages: report forms, the queue, hide/restore, pin/lock, suspensions. Thin: the
rules are in moderation.services; the pages keep the paths they had under /debates/."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import BookReview
from accounts.selectors import review_for_viewer
from core.errors import refuse_in_form
from core.moderation import moderator_only
from core.pagination import requested_page
from core.privacy import SHARE_PARAM
from core.ratelimit import rate_limit
from debates import selectors as debate_selectors
from debates.models import DebatePost, DebateTopic
from debates.views import message_page
from moderation import selectors, services
from moderation.forms import FlagForm, HideForm, ReportForm, SuspendForm
from moderation.models import PostReport, ReviewReport


def _post_url(post: DebatePost) -> str:
    return debate_selectors.post_url(post=post, topic_slug=post.topic.slug)


def _invalid(request, form, back: str) -> HttpResponse:
    return message_page(request, title=_("Ação inválida"), message=form.errors["reason"][0], back=back, status=400)


# --- Topics --------------------------------------------------------------------------------


def _topic_flag(request: HttpRequest, slug: str, service, flag: str) -> HttpResponse:
    topic = get_object_or_404(DebateTopic, slug=slug)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return message_page(
            request,
            title=_("Ação inválida"),
            message=_("Escolha uma ação válida."),
            back=topic.get_absolute_url(),
            status=400,
        )
    service(topic=topic, actor=request.user, **{flag: form.cleaned_data["value"]})
    messages.success(request, _("Debate atualizado."))
    return redirect(topic)


@login_required
@require_POST
def topic_pin(request: HttpRequest, slug: str) -> HttpResponse:
    return _topic_flag(request, slug, services.topic_set_pinned, "pinned")


@login_required
@require_POST
def topic_lock(request: HttpRequest, slug: str) -> HttpResponse:
    return _topic_flag(request, slug, services.topic_set_locked, "locked")


# --- Reports -------------------------------------------------------------------------------


def _report_page(request, *, create, template: str, context: dict, done_url: str) -> HttpResponse:
    """GET the report form; POST it to `create(reason=, text=)`: 409 for a second open report."""
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                create(**form.cleaned_data)
            except ValidationError as error:
                status = refuse_in_form(form, error)
            else:
                messages.success(request, _("Denúncia enviada. Obrigado por ajudar a moderação."))
                return redirect(done_url)
        else:
            status = 400
    return render(request, template, {**context, "form": form}, status=status)


@login_required
@rate_limit("report")
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = debate_selectors.post_for_write(pk=pk)
    if post.is_deleted:
        raise Http404(_("Mensagem não encontrada."))
    return _report_page(
        request,
        create=lambda **data: services.report_create(post=post, reporter=request.user, **data),
        template="moderation/post_report.html",
        context={"post": post},
        done_url=_post_url(post),
    )


@login_required
@rate_limit("report")
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a review the reader can see (an unlisted one through its link)."""
    token = request.POST.get(SHARE_PARAM) or request.GET.get(SHARE_PARAM)
    review = review_for_viewer(pk=pk, viewer=request.user, token=token)
    return _report_page(
        request,
        create=lambda **data: services.review_report_create(review=review, reporter=request.user, **data),
        template="moderation/review_report.html",
        context={"review": review, "token": token or ""},
        done_url=review.book.get_absolute_url(),
    )


# --- The queue -----------------------------------------------------------------------------


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    moderator_only(request.user)
    page = selectors.open_reports_page(page_number=requested_page(request.GET))
    review_reports, review_reports_open = selectors.open_review_reports()
    context = {
        "page": page,
        "review_reports": review_reports,
        "review_reports_open": review_reports_open,
        "hide_form": HideForm(),
        "suspend_form": SuspendForm(),
    }
    return render(request, "moderation/moderation_queue.html", context)


def _dismiss(request: HttpRequest, reports, pk: int) -> HttpResponse:
    moderator_only(request.user)
    services.report_dismiss(report=get_object_or_404(reports, pk=pk), actor=request.user)
    messages.success(request, _("Denúncia descartada."))
    return redirect("moderation:moderation_queue")


@login_required
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _dismiss(request, PostReport.objects.select_related("post"), pk)


@login_required
@require_POST
def review_report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _dismiss(request, ReviewReport.objects.select_related("review"), pk)


# --- Hide and restore ----------------------------------------------------------------------


def _back(request, post: DebatePost) -> str:
    """Back to the queue when the action came from it, else to the post."""
    return reverse("moderation:moderation_queue") if request.POST.get("next") == "fila" else _post_url(post)


@login_required
@require_POST
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    moderator_only(request.user)
    post = debate_selectors.post_for_write(pk=pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, _back(request, post))
    services.post_hide(post=post, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Mensagem ocultada."))
    return redirect(_back(request, post))


@login_required
@require_POST
def post_restore(request: HttpRequest, pk: int) -> HttpResponse:
    moderator_only(request.user)
    post = debate_selectors.post_for_write(pk=pk)
    services.post_restore(post=post, actor=request.user)
    messages.success(request, _("Mensagem restaurada."))
    return redirect(_back(request, post))


def _review_for_moderation(pk: int) -> BookReview:
    return get_object_or_404(BookReview.objects.select_related("book"), pk=pk)


@login_required
@require_POST
def review_hide(request: HttpRequest, pk: int) -> HttpResponse:
    moderator_only(request.user)
    review = _review_for_moderation(pk)
    back = reverse("moderation:moderation_queue")
    form = HideForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, back)
    services.review_hide(review=review, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Resenha ocultada."))
    return redirect(back)


@login_required
@require_POST
def review_restore(request: HttpRequest, pk: int) -> HttpResponse:
    moderator_only(request.user)
    review = _review_for_moderation(pk)
    services.review_restore(review=review, actor=request.user)
    messages.success(request, _("Resenha restaurada."))
    return redirect(review.get_absolute_url())


# --- Suspensions ---------------------------------------------------------------------------


@login_required
@require_POST
def user_suspend(request: HttpRequest, user_id: int) -> HttpResponse:
    moderator_only(request.user)
    member = get_object_or_404(get_user_model(), pk=user_id)
    form = SuspendForm(request.POST)
    back = reverse("moderation:moderation_queue")
    error = None
    if form.is_valid():
        try:
            services.user_suspend(user=member, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = next(iter(form.errors.values()))[0]
    if error:
        return message_page(request, title=_("Suspensão não aplicada"), message=error, back=back, status=400)
    messages.success(request, _("%(name)s está suspenso dos debates.") % {"name": member.get_username()})
    return redirect(back)
