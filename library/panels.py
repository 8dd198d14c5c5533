"""The sections this app adds to the profile and home pages (see core.panels)."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.selectors import can_see_read_shelf
from library import selectors


def profile_goal_panel(request, owner) -> str:
    """ "Meta de leitura" of this year, with links to the stats; shown to others only when public."""
    today = timezone.localdate()
    is_owner = request.user.pk == owner.pk
    goal = selectors.visible_goal_panel(owner=owner, viewer=request.user, year=today.year, today=today)
    context = {
        "profile_user": owner,
        "is_owner": is_owner,
        "goal": goal,
        "year": today.year,
        "stats_visible": can_see_read_shelf(viewer=request.user, owner=owner),
    }
    return render_to_string("library/panels/profile_goal.html", context, request=request)


def home_goal_panel(request, obj=None) -> str:
    """The reader's goal of this year on their home page (cached per reader), or a link to set one."""
    if not request.user.is_authenticated:
        return ""
    today = timezone.localdate()
    goal = selectors.goal_panel(owner=request.user, year=today.year, today=today)
    return render_to_string("library/panels/home_goal.html", {"goal": goal, "year": today.year}, request=request)
