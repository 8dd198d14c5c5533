"""Activities as HTML, built without templates: each activity's line ("O Hobbit 4,5★ —
“Releitura”"), what follows the reader's name and verb, and the list of a page's groups
(`{% activity_groups %}`). A feed or profile shows twenty of each: the templates cost about
90 µs a line and 75 µs a group, these 25 and 30. Lines are cached and shared by every reader
(social.selectors.attach_lines); the groups, with their relative times, are not."""

from html import escape  # Django's escape() is this one, behind a lazy-string check per call

from django.template.defaultfilters import truncatechars
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from social.models import Activity

Verb = Activity.Verb
POST_CHARS = 140  # of a post's text under its line


def activity_line(activity: Activity) -> SafeString:
    verb, book = activity.verb, activity.book
    title = escape(book.title) if book is not None else ""
    if verb == Verb.REVIEWED:
        review = activity.review
        line = (
            f'<a href="{escape(review.get_absolute_url())}">{title}</a>'
            f' <span class="small muted">{escape(localize(review.rating))}★</span>'
        )
        return mark_safe(f"{line} — “{escape(review.title)}”" if review.title else line)
    if verb in (Verb.RATED, Verb.PROGRESS):
        shown = f"{localize(activity.review.rating)}★" if verb == Verb.RATED else f"{localize(activity.percent)}%"
        return mark_safe(
            f'<a href="{escape(book.get_absolute_url())}">{title}</a> <span class="small muted">{escape(shown)}</span>'
        )
    if verb in (Verb.TOPIC, Verb.POST):
        topic = activity.topic
        url = escape(topic.get_absolute_url())
        if verb == Verb.TOPIC:
            return mark_safe(f'<a href="{url}">{escape(topic.title)}</a> <span class="small muted">({title})</span>')
        line = f'<a href="{url}#post-{int(activity.post_id)}">{escape(topic.title)}</a>'
        content = activity.post.content
        if content:
            shown = content if len(content) <= POST_CHARS else truncatechars(content, POST_CHARS)
            line += f'<br><span class="small muted">“{escape(shown)}”</span>'
        return mark_safe(line)
    if verb == Verb.GOAL:
        goal = activity.goal
        text = ngettext("%(year)s: %(books)s livro", "%(year)s: %(books)s livros", goal.books)
        return mark_safe(escape(text % {"year": localize(goal.year), "books": localize(goal.books)}))
    return mark_safe(f'<a href="{escape(book.get_absolute_url())}">{title}</a>')


def activity_groups(groups: list, empty_text: str = "") -> SafeString:
    """The groups (social.selectors.group_activities) as a list, or `empty_text` without any."""
    if not groups:
        return mark_safe(f'<p class="muted">{escape(empty_text or _("Nenhuma atividade ainda."))}</p>')
    new_badge = f' <span class="badge new">{escape(_("novo"))}</span>'
    parts = ['<ul class="activity-list">']
    for group in groups:
        actor = f'<a class="activity-actor" href="{escape(group.actor_url)}">{escape(group.actor.username)}</a>'
        if len(group.items) > 1:
            lines = "".join(f"<li>{activity.line}</li>" for activity in group.items)
            what = f'{escape(group.summary)}\n    <ul class="activity-items">{lines}</ul>\n  '
        else:
            activity = group.first
            what = f"{escape(group.verb_label)} {activity.line}"
            if activity.visibility != "public":
                what += f' <span class="badge muted">{escape(activity.get_visibility_display())}</span>'
        parts.append(
            f'<li class="activity{" is-new" if group.is_new else ""}">\n  {actor}\n  {what}'
            f'\n  <span class="small muted">{group.when}</span>{new_badge if group.is_new else ""}\n</li>'
        )
    parts.append("</ul>")
    return mark_safe("".join(parts))
