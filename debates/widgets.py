"""A reader's own bits on a post (vote buttons, reply/edit/delete/report links), built
without a template: a topic page shows 50 threads' worth of posts. For signed-in readers the
page holds one slot per post with what a reader who neither wrote nor voted on it sees
(`shared_post_actions`); a reader's own posts and votes are filled per request
(debates.fillers).

The vote buttons of every post belong to the page's one vote form (`VOTE_FORM`, in
debates/topic_detail.html, holding the CSRF token and the page number): a button posts it to
its post's URL (`formaction`), so voting works without JavaScript; htmx posts the same fields
(`hx-post` on the button) and swaps the widget in place (`hx-target`/`hx-swap` on the thread).
"""

import functools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.fragments import pk_url, slot, slug_url

VOTE_FORM = "votos"  # the id of the page's vote form (debates/topic_detail.html)

# Plain str.format over values that need no escaping (ids, counts, URLs of ids) and labels
# escaped once per language: 50 posts a page, so no format_html per bit.
_VOTE_BUTTONS = (
    f'<button form="{VOTE_FORM}" formaction="{{url}}" hx-post="{{url}}" name="value" value="1" class="vote-up"'
    ' aria-pressed="{up}" title="{up_label}"><span aria-hidden="true">▲</span>'
    '<span class="visually-hidden">{up_label}</span></button> '
    '<span class="score">{score}</span> '
    f'<button form="{VOTE_FORM}" formaction="{{url}}" hx-post="{{url}}" name="value" value="-1" class="vote-down"'
    ' aria-pressed="{down}" title="{down_label}"><span aria-hidden="true">▼</span>'
    '<span class="visually-hidden">{down_label}</span></button>'
)


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    names = {"up": _("Votar a favor"), "down": _("Votar contra"), "reply": _("Responder"), "edit": _("Editar"),
             "delete": _("Excluir"), "report": _("Denunciar")}  # fmt: skip
    return {key: escape(value) for key, value in names.items()}


def post_labels() -> dict[str, str]:
    """The escaped labels of the actions under a post, in the current language."""
    return _labels(get_language())


def _votable(node, viewer) -> bool:
    return viewer.is_authenticated and not node.is_deleted and not node.is_hidden and node.author_id != viewer.pk


def vote_widget(node, *, viewer, my_vote, error: str = "", labels=None) -> SafeString:
    """The vote buttons (▲ score ▼) for someone else's visible post, `my_vote` pressed; the
    score as text otherwise. The buttons need the page's vote form (`VOTE_FORM`)."""
    score = int(node.votes_score)
    if _votable(node, viewer):
        labels = labels or post_labels()
        inner = _VOTE_BUTTONS.format(
            url=pk_url("debates:post_vote", node.id), score=score, up="true" if my_vote == 1 else "false",
            down="true" if my_vote == -1 else "false", up_label=labels["up"], down_label=labels["down"],
        )  # fmt: skip
    else:
        text = ngettext("%(counter)s ponto", "%(counter)s pontos", score) % {"counter": score}
        inner = f'<span class="score">{escape(text)}</span>'
    alert = f'<p class="errorlist" role="alert">{escape(error)}</p>' if error else ""
    return mark_safe(f'<div class="vote" id="vote-{node.id}">{inner}{alert}</div>')


def reply_url(topic) -> str | None:
    """Where a reply to a post of `topic` is written (escaped); None while the topic is locked."""
    return None if topic.is_locked else topic_reply_url(topic.slug)


def topic_reply_url(slug: str) -> str:
    return escape(slug_url("debates:post_create", slug))


def post_actions(pk: int, vote: str, *, reply_url, is_author: bool, is_moderator: bool = False, labels=None) -> str:
    """What goes under a visible post: its vote widget, reply (unless the topic is locked),
    edit and delete (author, moderator), report (someone else's post)."""
    labels = labels or post_labels()
    links = [vote]
    if reply_url:
        links.append(f'<a href="{reply_url}?resposta={pk}">{labels["reply"]}</a>')
    if is_author or is_moderator:
        links.append(f'<a href="{pk_url("debates:post_edit", pk)}">{labels["edit"]}</a>')
        links.append(f'<a href="{pk_url("debates:post_delete", pk)}">{labels["delete"]}</a>')
    if not is_author:
        links.append(f'<a href="{pk_url("moderation:post_report", pk)}">{labels["report"]}</a>')
    return "\n".join(links)


class _Reader:
    """Who a shared page's defaults are for: signed in, wrote and voted on nothing."""

    is_authenticated = True
    pk = 0


class _Sample:
    """A post whose values are sentinels, rendered once per page (`shared_post_actions`)."""

    is_deleted = is_hidden = False
    id, author_id, votes_score = 918273645, 827364591, 736459182


_TOPIC, _REPLY = 645918273, "\x00reply\x00"


def shared_post_actions(*, topic_id: int, reply_url, labels=None):
    """What `post_actions(node)` puts under each post of a page shared by signed-in readers:
    what a reader who neither wrote nor voted on it sees, in one slot ("post_actions": author
    id, score, and the topic id when replies are open, else 0) that a reader's own replace
    (debates.fillers). A deleted or hidden post shows its score, the same to everyone.

    A page formats one template 50 times: a sample post is rendered once and its sentinel
    values become the template's fields (checked: the sample formats back to itself)."""
    labels = labels or post_labels()
    sample, reply = _Sample(), (_REPLY if reply_url else None)
    vote = vote_widget(sample, viewer=_Reader, my_vote=None, labels=labels)
    actions = post_actions(sample.id, vote, reply_url=reply, is_author=False, labels=labels)
    html = slot("post_actions", sample.id, actions, sample.author_id, sample.votes_score, _TOPIC if reply_url else 0)
    fields = {"pk": sample.id, "author": sample.author_id, "score": sample.votes_score, "topic": _TOPIC}
    template = html.replace("{", "{{").replace("}", "}}").replace(_REPLY, "{reply}")
    for name, value in fields.items():
        template = template.replace(str(value), "{" + name + "}")
    if template.format(**fields, reply=_REPLY) != html:  # a label or URL held a sentinel's digits
        template = None

    def for_post(node) -> SafeString:
        if node.is_deleted or node.is_hidden:
            return vote_widget(node, viewer=_Reader, my_vote=None)
        if template is None:
            vote = vote_widget(node, viewer=_Reader, my_vote=None, labels=labels)
            own = post_actions(node.id, vote, reply_url=reply_url, is_author=False, labels=labels)
            return slot("post_actions", node.id, own, node.author_id, node.votes_score, topic_id if reply_url else 0)
        return mark_safe(
            template.format(pk=node.id, author=node.author_id, score=node.votes_score, topic=topic_id, reply=reply_url)
        )

    return for_post
