from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.pagination import PAGE_PARAM, page_number, requested_page
from debates import selectors as debates_selectors
from debates.models import DebateTopic
from notifications import panels, selectors, services
from notifications.filters import UNREAD, NotificationFilter
from notifications.models import Notification


def _list_url(params) -> str:
    """Back to the list the reader was on: the same page, still only the unread ones if so."""
    query = {}
    if NotificationFilter.parse(params).choices["unread_only"]:
        query["situacao"] = UNREAD
    if (page := page_number(params.get("page"))) > 1:
        query[PAGE_PARAM] = page
    url = reverse("notifications:list")
    return f"{url}?{urlencode(query)}" if query else url


def _target_url(notification: Notification) -> str:
    if notification.post_id:
        return debates_selectors.post_url(post=notification.post, topic_slug=notification.topic.slug)
    if notification.topic_id:
        return reverse("debates:topic_detail", kwargs={"slug": notification.topic.slug})
    if notification.book_id:
        return reverse("catalog:book_detail", kwargs={"slug": notification.book.slug})
    return reverse("notifications:list")


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    choices = NotificationFilter.parse(request.GET).choices
    page = selectors.notification_page(user=request.user, page_number=requested_page(request.GET), **choices)
    unread = panels.reader_unread_count(request)
    context = {"page": page, "unread": unread, "unread_only": choices["unread_only"], "unread_value": UNREAD}
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link: marks it read (idempotent) and goes to what it is about."""
    notification = selectors.notification_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    return redirect(_target_url(notification))


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect(_list_url(request.POST))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("notifications:list")


@login_required
@require_POST
def topic_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow (follow=1) or unfollow (follow=0) a debate; htmx gets the button back."""
    topic = get_object_or_404(DebateTopic.objects.only("pk", "slug"), slug=slug)
    choice = request.POST.get("follow")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest(_("Escolha seguir ou deixar de seguir o debate."))
    if choice == "1":
        services.topic_follow(user_id=request.user.pk, topic_id=topic.pk)
    else:
        services.topic_unfollow(user_id=request.user.pk, topic_id=topic.pk)
    if request.htmx:
        return render(request, "notifications/_follow.html", {"topic": topic, "following": choice == "1"})
    return redirect(topic)
