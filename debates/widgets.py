"""A reader's own bits on a post (vote buttons, reply/edit/delete/report links), built
without a template: a topic page shows 50 threads' worth of posts. For signed-in readers the
page holds slots with what a reader who neither wrote nor voted on a post sees
(`shared_post_actions`); each reader's own bits are filled per request (debates.fillers).
Plain forms and links: they work without JavaScript; htmx swaps the vote in place.
"""

import functools

from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.fragments import CSRF_MARK, pk_url, slot

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


def vote_widget(
    node, *, viewer, my_vote, csrf_token: str, page_number=None, error: str = "", labels=None
) -> SafeString:
    """The vote buttons (▲ score ▼) for someone else's visible post; the score as text otherwise."""
    score = int(node.votes_score)
    if _votable(node, viewer):
        labels = labels or _labels(get_language())
        page = f'<input type="hidden" name="page" value="{int(page_number)}">' if page_number else ""
        inner = _VOTE_FORM.format(
            # conditional: a shared page's CSRF mark (core.fragments) goes in as it is.
            url=pk_url("debates:post_vote", node.id), pk=node.id, token=conditional_escape(csrf_token), page=page,
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


def own_links(pk: int, *, is_author: bool, is_moderator: bool = False, labels=None) -> str:
    """Edit and delete (author, moderator), report (someone else's post), of a visible post."""
    labels = labels or _labels(get_language())
    links = []
    if is_author or is_moderator:
        links.append(f'<a href="{pk_url("debates:post_edit", pk)}">{labels["edit"]}</a>')
        links.append(f'<a href="{pk_url("debates:post_delete", pk)}">{labels["delete"]}</a>')
    if not is_author:
        links.append(f'<a href="{pk_url("debates:post_report", pk)}">{labels["report"]}</a>')
    return "\n".join(links)


class _Reader:
    """Who a shared page's defaults are for: signed in, wrote and voted on nothing."""

    is_authenticated = True
    pk = 0


def shared_post_actions(node, *, page_number: int, reply_url, labels=None) -> SafeString:
    """The actions under a post on a page shared by signed-in readers: the vote buttons and the
    links a reader who neither wrote nor voted on it sees, in slots that a reader's own
    replace (debates.fillers). A deleted or hidden post shows the same to everyone.
    `labels`: `post_labels()`, once for a page of posts."""
    if node.is_deleted or node.is_hidden:
        return vote_widget(node, viewer=_Reader, my_vote=None, csrf_token="")
    labels = labels or post_labels()
    vote = vote_widget(node, viewer=_Reader, my_vote=None, csrf_token=CSRF_MARK, page_number=page_number, labels=labels)
    own = slot("post_own", node.id, own_links(node.id, is_author=False, labels=labels), node.author_id)
    reply = f'<a href="{reply_url}?resposta={node.id}">{labels["reply"]}</a>\n' if reply_url else ""
    return mark_safe(
        slot("post_vote", node.id, vote, node.author_id, node.votes_score, page_number or 0) + "\n" + reply + own
    )


def post_labels() -> dict[str, str]:
    """The escaped labels of the actions under a post, in the current language."""
    return _labels(get_language())
