"""Moderation's sections on pages owned by lower apps."""

from django.template.loader import render_to_string

from core.moderation import can_moderate


def topic_panel(request, topic) -> str:
    """Queue link, pin and lock on a topic page, for moderators only: no query; a moderator's
    page is rendered for them alone (core.microcache), everyone else gets nothing here."""
    if not can_moderate(request.user):
        return ""
    return render_to_string("moderation/_topic_moderation.html", {"topic": topic}, request=request)
