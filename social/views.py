"""Pages of the social app: thin, parsing the request and calling services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import profile_user_get
from core.http import next_url
from core.microcache import reader_page_cache
from core.pagination import requested_page
from core.personal import personal_mark
from core.ratelimit import rate_limit
from social import panels, selectors, services
from social.models import FollowPolicy

CURSOR_PARAM = "antes"


def _back(request, fallback: str):
    return redirect(next_url(request, fallback))


def _refused(request, error: ValidationError, *, status: int = 422):
    context = {"errors": error.messages, "back_url": request.META.get("HTTP_REFERER", "/")}
    return render(request, "social/error.html", context, status=status)


def _cursor(request):
    """The `?antes=` position, or a 400 page for a bad one."""
    return selectors.parse_cursor(request.GET.get(CURSOR_PARAM))


def _reader_action(action, done_message: str):
    """A POST on another reader (follow, block, mute…): call `action`, say what happened."""

    @login_required
    @require_POST
    @rate_limit("follow_write")
    def view(request, username: str):
        other = profile_user_get(username=username)
        try:
            action(request.user, other)
        except ValidationError as error:
            return _refused(request, error)
        messages.success(request, done_message % {"username": other.username})
        return _back(request, other.profile.get_absolute_url())

    return view


@login_required
@require_POST
@rate_limit("follow_write")
def follow(request, username: str):
    other = profile_user_get(username=username)
    try:
        result = services.follow_create(follower=request.user, followee=other)
    except ValidationError as error:
        return _refused(request, error)
    if result.status == result.Status.PENDING:
        messages.success(request, _("Pedido enviado: %(username)s decide se você pode seguir.") % {"username": other})
    else:
        messages.success(request, _("Agora você segue %(username)s.") % {"username": other})
    return _back(request, other.profile.get_absolute_url())


unfollow = _reader_action(
    lambda user, other: services.follow_delete(follower=user, followee=other),
    _("Você deixou de seguir %(username)s."),
)
remove_follower = _reader_action(
    lambda user, other: services.follower_remove(user=user, follower_id=other.pk),
    _("%(username)s não segue mais você."),
)
block = _reader_action(
    lambda user, other: services.block_create(blocker=user, blocked=other), _("Você bloqueou %(username)s.")
)
unblock = _reader_action(
    lambda user, other: services.block_delete(blocker=user, blocked=other), _("Você desbloqueou %(username)s.")
)
mute = _reader_action(
    lambda user, other: services.mute_create(muter=user, muted=other),
    _("As atividades de %(username)s não aparecem mais no seu feed."),
)
unmute = _reader_action(
    lambda user, other: services.mute_delete(muter=user, muted=other),
    _("As atividades de %(username)s voltam ao seu feed."),
)
accept_request = _reader_action(
    lambda user, other: services.follow_request_accept(user=user, follower_id=other.pk),
    _("%(username)s agora segue você."),
)


@login_required
def requests_page(request):
    return render(request, "social/requests.html", {"requests": selectors.pending_requests(user=request.user)})


@login_required
def settings_page(request):
    if request.method == "POST":
        try:
            services.follow_policy_set(user=request.user, policy=request.POST.get("follow_policy", ""))
        except ValidationError as error:
            return _refused(request, error)
        messages.success(request, _("Preferência salva."))
        return redirect("social:settings")
    rel = selectors.relationship(viewer=request.user, owner=request.user)
    return render(request, "social/settings.html", {"policy": rel.policy, "policies": FollowPolicy.choices})


def people(request, username: str, direction: str):
    """Followers or following of a reader, shown to whoever may see the reader's activities."""
    owner = profile_user_get(username=username)
    rel = selectors.relationship(viewer=request.user, owner=owner)
    context = {"owner": owner, "rel": rel, "direction": direction}
    if not rel.can_see:
        return render(request, "social/people.html", context, status=403)
    page = requested_page(request.GET)
    context.update(selectors.follow_people(owner=owner, direction=direction, page=page))
    return render(request, "social/people.html", context)


def activities(request, username: str):
    owner = profile_user_get(username=username)
    rel = selectors.relationship(viewer=request.user, owner=owner)
    context = {"owner": owner, "rel": rel, "groups": [], "next_cursor": None}
    if not rel.can_see:
        return render(request, "social/activities.html", context, status=403)
    try:
        cursor = _cursor(request)
    except ValidationError as error:
        return _refused(request, error, status=400)
    rows, context["next_cursor"] = selectors.actor_activities(owner=owner, viewer=request.user, cursor=cursor)
    context["groups"] = selectors.group_activities(rows)
    return render(request, "social/activities.html", context)


@login_required
def feed(request):
    """The whole feed, one page at a time (`?antes=<cursor>` from the previous page)."""
    try:
        cursor = _cursor(request)
    except ValidationError as error:
        return _refused(request, error, status=400)
    if cursor is None:
        return _feed_first_page(request)
    page = selectors.home_feed(reader=request.user, cursor=cursor, detail=False)
    return render(request, "social/feed.html", {"page": page, "newer_link": True})


@reader_page_cache(personal=lambda: (panels.FEED_PAGE,))
def _feed_first_page(request):
    """Shared by signed-in readers, each reader's feed filled from their cached copy."""
    if getattr(request, "shared_page", False):
        body = personal_mark(panels.FEED_PAGE)
    else:
        body = mark_safe(panels.feed_page_body(request))
    return render(request, "social/feed.html", {"feed_body": body})


def community(request):
    return render(request, "social/community.html", {"groups": selectors.community_stream(viewer=request.user)})
