"""A reader's own bits on a post (vote buttons, reply/edit/delete/report links), built
without a template: a topic page shows 50 threads' worth of posts, and these are filled into
the shared thread HTML (core.fragments) for every signed-in reader on every request.
Plain forms and links: they work without JavaScript; htmx swaps the vote in place.
"""

import functools

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.fragments import pk_url

# Plain str.format over values that need no escaping (ids, counts, URLs of ids, the CSRF
# token) and labels escaped once per language: 50 posts a page, so no format_html per bit.
_VOTE_FORM = (
    '<form method="post" action="{url}" class="inline" hx-post="{url}" hx-target="#vote-{pk}" hx-swap="outerHTML">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">{page}'
    '<button type="submit" name="value" value="1" class="vote-up" aria-pressed="{up}" title="{up_label}">'
    '<span aria-hidden="true">▲</span><span class="visually-hidden">{up_label}</span></button> '
    '<span class="score">{score}</span> '
    '<button type="submit" name="value" value="-1" class="vote-down" aria-pressed="{down}" title="{down_label}">'
    '<span aria-hidden="true">▼</span><span class="visually-hidden">{down_label}</span></button></form>'
)


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    names = {"up": _("Votar a favor"), "down": _("Votar contra"), "reply": _("Responder"), "edit": _("Editar"),
             "delete": _("Excluir"), "report": _("Denunciar")}  # fmt: skip
    return {key: escape(value) for key, value in names.items()}


def _votable(node, viewer) -> bool:
    return viewer.is_authenticated and not node.is_deleted and not node.is_hidden and node.author_id != viewer.pk


def vote_widget(node, *, viewer, my_vote, csrf_token: str, page_number=None, error: str = "") -> SafeString:
    """The vote buttons (▲ score ▼) for someone else's visible post; the score as text otherwise."""
    score = int(node.votes_score)
    if _votable(node, viewer):
        labels = _labels(get_language())
        page = f'<input type="hidden" name="page" value="{int(page_number)}">' if page_number else ""
        inner = _VOTE_FORM.format(
            url=pk_url("debates:post_vote", node.id), pk=node.id, token=escape(csrf_token), page=page,
            up="true" if my_vote == 1 else "false", down="true" if my_vote == -1 else "false", score=score,
            up_label=labels["up"], down_label=labels["down"],
        )  # fmt: skip
    else:
        text = ngettext("%(counter)s ponto", "%(counter)s pontos", score) % {"counter": score}
        inner = f'<span class="score">{escape(text)}</span>'
    alert = f'<p class="errorlist" role="alert">{escape(error)}</p>' if error else ""
    return mark_safe(f'<div class="vote" id="vote-{node.id}">{inner}{alert}</div>')


def reply_url(topic) -> str | None:
    """Where a reply to a post of `topic` is written (escaped); None while the topic is locked."""
    return None if topic.is_locked else escape(reverse("debates:post_create", kwargs={"slug": topic.slug}))


def post_links(node, *, viewer, reply_url: str | None, is_moderator: bool = False) -> SafeString:
    """Reply (open topic), edit and delete (author, moderator), report (someone else's post)."""
    if not viewer.is_authenticated or node.is_deleted or node.is_hidden:
        return mark_safe("")
    labels = _labels(get_language())
    links = []
    if reply_url:
        links.append(f'<a href="{reply_url}?resposta={node.id}">{labels["reply"]}</a>')
    if node.author_id == viewer.pk or is_moderator:
        links.append(f'<a href="{pk_url("debates:post_edit", node.id)}">{labels["edit"]}</a>')
        links.append(f'<a href="{pk_url("debates:post_delete", node.id)}">{labels["delete"]}</a>')
    if node.author_id != viewer.pk:
        links.append(f'<a href="{pk_url("debates:post_report", node.id)}">{labels["report"]}</a>')
    return mark_safe("\n".join(links))


def post_actions(node, *, viewer, my_vote, csrf_token: str, page_number, reply_url, is_moderator=False) -> SafeString:
    """The vote widget and the links, as under each post."""
    vote = vote_widget(node, viewer=viewer, my_vote=my_vote, csrf_token=csrf_token, page_number=page_number)
    return mark_safe(vote + "\n" + post_links(node, viewer=viewer, reply_url=reply_url, is_moderator=is_moderator))
