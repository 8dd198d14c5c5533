from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Book
from core.panels import render_panels
from core.ratelimit import rate_limit
from debates import selectors, services
from debates.forms import FlagForm, PostForm, TopicForm, VoteForm
from debates.models import DebatePost, DebateTopic


def _page_number(value) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        raise Http404(_("Página inválida.")) from None
    if number < 1:
        raise Http404(_("Página inválida."))
    return number


def _post_url(post: DebatePost, page: int | None = None) -> str:
    page = page or selectors.post_page_number(post=post)
    query = f"?page={page}" if page > 1 else ""
    return f"{reverse('debates:topic_detail', kwargs={'slug': post.topic.slug})}{query}#post-{post.pk}"


def _error_status(form) -> int:
    """409 when the topic is locked (a state, not a typo); 400 for any other bad input."""
    return 409 if form.has_error(NON_FIELD_ERRORS, "locked") else 400


def _message_page(request, *, title: str, message: str, back: str, status: int) -> HttpResponse:
    context = {"title": title, "message": message, "back": back}
    return render(request, "debates/message.html", context, status=status)


@rate_limit("debates_list", key="ip", method="GET")
def topic_list(request: HttpRequest) -> HttpResponse:
    book_slug = request.GET.get("livro") or None
    if book_slug and not slug_re.fullmatch(book_slug):
        raise Http404(_("Livro não encontrado."))
    page = selectors.topic_list_page(page_number=_page_number(request.GET.get("page")), book_slug=book_slug)
    if page is None:
        raise Http404(_("Página inválida."))
    return render(request, "debates/topic_list.html", {"page": page, "book_slug": book_slug})


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = selectors.topic_for_page(slug=slug)
    page = selectors.topic_post_page(topic_id=topic.pk, page_number=_page_number(request.GET.get("page")))
    if page is None:
        raise Http404(_("Página inválida."))
    votes = selectors.user_votes(user=request.user, post_ids=[node.id for node in page.nodes])
    services.topic_register_view(topic.pk)
    context = {
        "topic": topic,
        "page": page,
        "items": [(node, votes.get(node.id)) for node in page.nodes],
        "is_moderator": services.can_moderate(request.user),
        "form": PostForm(),
        "topic_panels": render_panels("topic", request, topic),
    }
    return render(request, "debates/topic_detail.html", context)


@login_required
@rate_limit("topic_create")
def topic_create(request: HttpRequest, book_slug: str) -> HttpResponse:
    book = get_object_or_404(Book.objects.only("title", "slug"), slug=book_slug)
    form = TopicForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = services.topic_create(
                    book=book,
                    creator=request.user,
                    title=data["title"],
                    description=data["description"],
                    first_post=data["first_post"] or None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Debate criado."))
                return redirect(topic)
        status = 400
    return render(request, "debates/topic_form.html", {"form": form, "book": book}, status=status)


@login_required
@rate_limit("post_create")
def post_create(request: HttpRequest, slug: str) -> HttpResponse:
    """The form for a new post or a reply (?resposta=<id>); the topic page posts here too."""
    topic = selectors.topic_for_page(slug=slug)
    parent_id = request.POST.get("parent") if request.method == "POST" else request.GET.get("resposta")
    form = PostForm(request.POST or None, initial={"parent": parent_id})
    parent = None
    if parent_id:
        parent = DebatePost.objects.select_related("author").filter(pk=parent_id, topic=topic).first()
        if parent is None and request.method == "GET":
            raise Http404(_("Mensagem não encontrada."))
    status = 409 if topic.is_locked else 200
    if request.method == "POST":
        if form.is_valid():
            if parent_id and parent is None:
                form.add_error("parent", _("A mensagem respondida não pertence a este debate."))
            else:
                try:
                    post = services.post_create(
                        topic=topic, author=request.user, content=form.cleaned_data["content"], parent=parent
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Mensagem publicada."))
                    return redirect(_post_url(post))
        status = _error_status(form)
    context = {"form": form, "topic": topic, "parent": parent}
    return render(request, "debates/post_form.html", context, status=status)


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for_write(pk=pk)
    if post.author_id != request.user.pk and not services.can_moderate(request.user):
        raise PermissionDenied(_("Você só pode editar as suas próprias mensagens."))
    form = PostForm(request.POST or None, initial={"content": post.content})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_update(post=post, editor=request.user, content=form.cleaned_data["content"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Mensagem editada."))
                return redirect(_post_url(post))
        status = _error_status(form)
    return render(request, "debates/post_edit.html", {"form": form, "post": post}, status=status)


@login_required
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for_write(pk=pk)
    if post.author_id != request.user.pk and not services.can_moderate(request.user):
        raise PermissionDenied(_("Você só pode excluir as suas próprias mensagens."))
    if request.method == "POST":
        services.post_soft_delete(post=post, actor=request.user)
        messages.success(request, _("Mensagem excluída."))
        return redirect(_post_url(post))
    return render(request, "debates/post_confirm_delete.html", {"post": post})


@login_required
@require_POST
@rate_limit("vote")
def post_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote without JavaScript (POST, then back to #post-<id>) or with htmx (the widget again)."""
    post = selectors.post_for_write(pk=pk)
    form = VoteForm(request.POST)
    error, status, my_vote = None, 200, None
    if not form.is_valid():
        error, status = _("Voto inválido."), 400
    else:
        try:
            my_vote = services.vote_toggle(post=post, user=request.user, value=form.cleaned_data["value"])
        except ValidationError as exc:
            error, status = exc.messages[0], 422
    page = form.cleaned_data.get("page")
    if request.htmx:
        if error:
            my_vote = selectors.user_votes(user=request.user, post_ids=[post.pk]).get(post.pk)
        context = {"node": post, "my_vote": my_vote, "page_number": page, "error": error}
        return render(request, "debates/_vote.html", context, status=status)
    if error:
        return _message_page(
            request, title=_("Voto não registrado"), message=error, back=_post_url(post, page), status=status
        )
    return redirect(_post_url(post, page))


def _moderation(request: HttpRequest, slug: str, service, flag: str) -> HttpResponse:
    topic = get_object_or_404(DebateTopic, slug=slug)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return _message_page(
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
    return _moderation(request, slug, services.topic_set_pinned, "pinned")


@login_required
@require_POST
def topic_lock(request: HttpRequest, slug: str) -> HttpResponse:
    return _moderation(request, slug, services.topic_set_locked, "locked")
