"""The section this app adds to the profile page (see core.panels)."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.selectors import can_see_shelves
from library import selectors


def profile_goal_panel(request, owner) -> str:
    """ "Meta de leitura" of this year, with links to the stats; a private goal only for its owner."""
    today = timezone.localdate()
    is_owner = request.user.pk == owner.pk
    goal = selectors.goal_panel(owner=owner, year=today.year, today=today)
    if goal and not (goal["goal"].is_public or is_owner):
        goal = None
    context = {
        "profile_user": owner,
        "is_owner": is_owner,
        "goal": goal,
        "year": today.year,
        "stats_visible": can_see_shelves(viewer=request.user, owner=owner),
    }
    return render_to_string("library/panels/profile_goal.html", context, request=request)
