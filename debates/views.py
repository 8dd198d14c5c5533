from datetime import UTC, datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.exceptions import Ratelimited

from catalog.models import Book
from core.cache import cached
from core.errors import refusal_message, refusal_status, refuse_in_form
from core.fragments import fill_page, instant, viewer_mark
from core.http import parse_id
from core.microcache import anonymous_page_cache, reader_page_cache
from core.moderation import can_moderate, moderator_only
from core.pagination import SORT_PARAM, requested_page, requested_sort
from core.panels import render_panels
from core.ratelimit import rate_limit
from debates import cache as debates_cache
from debates import selectors, services, widgets
from debates.filters import TopicFilter
from debates.forms import PostForm, TopicForm, VoteForm
from debates.models import DebatePost
from debates.thread import render_thread


def _post_url(post: DebatePost, page: int | None = None) -> str:
    return selectors.post_url(post=post, topic_slug=post.topic.slug, page=page)


def message_page(request, *, title: str, message: str, back: str, status: int) -> HttpResponse:
    """A refusal or an invalid action explained on a page of its own (moderation's pages use it too)."""
    context = {"title": title, "message": message, "back": back}
    return render(request, "debates/message.html", context, status=status)


def _refused(request, error: PermissionDenied, back: str) -> HttpResponse:
    """A write refused by a service (suspension, not a moderator): 403 with its reason.

    Flood control is a PermissionDenied too (a rate limit): the middleware answers its 429.
    """
    if isinstance(error, Ratelimited):
        raise error
    message = str(error) or _("Você não tem permissão para fazer isso.")
    return message_page(request, title=_("Ação não permitida"), message=message, back=back, status=403)


def _sort_links(sorts: dict, current: str, **params) -> list[tuple[str, str, bool]]:
    """The sort menu: (label, query string, is current) for each sort."""
    params = {key: value for key, value in params.items() if value}
    default = next(iter(sorts))
    return [
        (label, urlencode({**params, **({SORT_PARAM: key} if key != default else {})}), key == current)
        for key, (label, _order) in sorts.items()
    ]


def _filled(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page rendered for this request alone gets the reader's bits here (debates.fillers); a
    shared one keeps its marks for each request to fill (core.microcache.reader_page_cache)."""
    if not getattr(request, "shared_page", False):
        response.content = fill_page(request, response.content.decode())
    return response


# Counted on renders only: a page served from the cache costs no more than the counter would.
@anonymous_page_cache
@reader_page_cache
@rate_limit("debates_list", key="ip", method="GET")
def topic_list(request: HttpRequest) -> HttpResponse:
    choices = TopicFilter.parse(request.GET).choices
    book_slug, sort = choices["book_slug"], choices["sort"]
    page = selectors.topic_list_page(page_number=requested_page(request.GET), book_slug=book_slug, sort=sort)
    sort_links = _sort_links(selectors.TOPIC_SORTS, sort, livro=book_slug)
    # The rows, rendered once per version of the list for everyone, with marks for each
    # reader's unread flags.
    rows_html = cached(
        debates_cache.topic_rows_html_key(page.number, book_slug, sort),
        lambda: render_to_string("debates/_topic_rows.html", {"rows": page.rows}),
        debates_cache.LIST_TIMEOUT,
    )
    context = {"page": page, "book_slug": book_slug, "rows_html": mark_safe(rows_html), "sort_links": sort_links}
    return _filled(request, render(request, "debates/topic_list.html", context))


@anonymous_page_cache(until_changed=True)
@reader_page_cache(until_changed=True)
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's page. Signed-in readers get their votes, links and unread marks from marks
    and slots (debates.fillers), so one rendering serves them all; the visit marks the topic
    read there too (the "topic_unread" filler). Stored pages live until the topic's namespace
    moves (any change of the topic, its posts or votes), VERSIONED_PAGE_SECONDS at most."""
    topic = selectors.topic_for_page(slug=slug)
    sort = selectors.clean_sort(requested_sort(request.GET), selectors.POST_SORTS)
    page = selectors.topic_post_page(topic_id=topic.pk, page_number=requested_page(request.GET), sort=sort)
    services.topic_register_view(topic.pk)
    signed_in = request.user.is_authenticated
    context = {
        "topic": topic,
        "page": page,
        "topic_id": topic.pk,
        "signed_in": signed_in,
        "sort_links": _sort_links(selectors.POST_SORTS, sort),
        "is_moderator": can_moderate(request.user),
        "reply_url": widgets.reply_url(topic),
        "topic_panels": render_panels("topic", request, topic),
        # Posts older than this are read for everyone: no unread marks (a shorter page to fill).
        "news_after": selectors.read_cutoff(),
    }
    if signed_in:
        newest = max((node.created_instant for node in page.nodes), default=0)
        context["unread_note"] = viewer_mark("topic_unread", topic.pk, instant(topic.last_activity_at), newest)
    if signed_in and not context["is_moderator"]:
        # The same for every signed-in reader: rendered once per version of the topic.
        key = debates_cache.topic_thread_html_key(topic.pk, page.number, sort, locked=topic.is_locked)
        html = cached(key, lambda: _thread(request, context), timeout=debates_cache.TOPIC_TIMEOUT, late=True)
        context["thread_html"] = mark_safe(html)
    else:  # visitors (the page is cached whole) and moderators (controls on every post)
        context["thread_html"] = _thread(request, context)
    response = _filled(request, render(request, "debates/topic_detail.html", context))
    # Visits served whole from the page caches still count as views.
    response.page_cache_hook = ("debates.services.topic_register_view", (topic.pk,))
    return response


def _thread(request: HttpRequest, context: dict) -> str:
    names = ("signed_in", "topic_id", "reply_url", "news_after", "is_moderator")
    # Only a moderator's page carries a token of its own (never shared, core.microcache).
    token = get_token(request) if context["is_moderator"] else ""
    options = {name: context[name] for name in names}
    return render_thread(context["page"], viewer=request.user, csrf_token=token, **options)


def topic_first_unread(request: HttpRequest, slug: str) -> HttpResponse:
    """Jump to the reader's first unread post: `?desde=<unix time>` or their read mark."""
    topic = selectors.topic_for_page(slug=slug, reader=request.user)
    try:
        since = datetime.fromtimestamp(int(request.GET["desde"]), tz=UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        since = selectors.unread_since(request.user, getattr(topic, "reader_read_at", None))
    post = selectors.first_unread_post(topic_id=topic.pk, since=since) if since else None
    if post is None:
        return redirect(topic)
    post.topic = topic
    return redirect(_post_url(post))


@login_required
@rate_limit("topic_create")
def topic_create(request: HttpRequest, book_slug: str) -> HttpResponse:
    book = get_object_or_404(Book.objects.only("title", "slug"), slug=book_slug)
    form = TopicForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
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
                status = refuse_in_form(form, error)
            except PermissionDenied as error:
                return _refused(request, error, back=reverse("catalog:book_detail", kwargs={"slug": book.slug}))
            else:
                messages.success(request, _("Debate criado."))
                return redirect(topic)
    return render(request, "debates/topic_form.html", {"form": form, "book": book}, status=status)


def _parent_id(request) -> int | None:
    """The answered post's id from `parent` (POST) or `?resposta=` (GET); a hostile value is an unknown post."""
    value = str((request.POST.get("parent") if request.method == "POST" else request.GET.get("resposta")) or "")
    if not value:
        return None
    return parse_id(value) or 0


@login_required
@rate_limit("post_create")
def post_create(request: HttpRequest, slug: str) -> HttpResponse:
    """The form for a new post or a reply (?resposta=<id>); the topic page posts here too.

    The quoted post comes from the thread read model, so a hidden or deleted post's text
    never shows here either.
    """
    topic = selectors.topic_for_page(slug=slug)
    parent_id = _parent_id(request)
    form = PostForm(request.POST if request.method == "POST" else None, initial={"parent": parent_id})
    parent = selectors.reply_parent(topic_id=topic.pk, parent_id=parent_id) if parent_id else None
    if parent_id and parent is None and request.method == "GET":
        raise Http404(_("Mensagem não encontrada."))
    status = 409 if topic.is_locked else 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                post = services.post_create(
                    topic=topic, author=request.user, content=form.cleaned_data["content"], parent_id=parent_id
                )
            except ValidationError as error:
                status = refuse_in_form(form, error)
            except PermissionDenied as error:
                return _refused(request, error, back=topic.get_absolute_url())
            else:
                messages.success(request, _("Mensagem publicada."))
                return redirect(_post_url(post))
    quoted = selectors.post_node(parent) if parent else None
    context = {"form": form, "topic": topic, "parent": quoted}
    return render(request, "debates/post_form.html", context, status=status)


@login_required
@rate_limit("post_edit")
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for_write(pk=pk)
    try:
        services.post_check_editable(post=post, editor=request.user)
    except ValidationError as error:
        return message_page(
            request,
            title=_("Edição não permitida"),
            message=refusal_message(error),
            back=_post_url(post),
            status=refusal_status(error),
        )
    form = PostForm(request.POST if request.method == "POST" else None, initial={"content": post.content})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.post_update(post=post, editor=request.user, content=form.cleaned_data["content"])
            except ValidationError as error:
                status = refuse_in_form(form, error)
            else:
                messages.success(request, _("Mensagem editada."))
                return redirect(_post_url(post))
    return render(request, "debates/post_edit.html", {"form": form, "post": post}, status=status)


@login_required
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for_write(pk=pk)
    services.post_check_deletable(post=post, actor=request.user)
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
        except PermissionDenied as exc:
            error, status = str(exc), 403
    page = form.cleaned_data.get("page")
    if request.htmx:
        if error:
            my_vote = selectors.user_votes(user=request.user, post_ids=[post.pk]).get(post.pk)
        widget = widgets.vote_widget(post, viewer=request.user, my_vote=my_vote, error=error)
        return HttpResponse(widget, status=status)
    if error:
        return message_page(
            request, title=_("Voto não registrado"), message=error, back=_post_url(post, page), status=status
        )
    return redirect(_post_url(post, page))


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    moderator_only(request.user)
    post = selectors.post_for_write(pk=pk)
    context = {"post": post, "edits": selectors.post_edits(post_id=post.pk)}
    return render(request, "debates/post_history.html", context)
