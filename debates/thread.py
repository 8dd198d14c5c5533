"""The posts of one page of a topic as HTML, built without a template.

A page holds 50 threads (a hundred posts and more): through the template language they cost
most of a cold page's CPU, so they are plain string formatting over escaped values, as the
widgets under each post are (debates.widgets). For signed-in readers the HTML is the same
for all of them: their own bits are marks and slots (debates.fillers). Posts older than the
read cutoff (`news_after`) are read for everyone and carry no unread marks. A moderator's
controls come from a small template of `moderation`, named here, never imported (their
pages are rendered for them alone).
"""

from html import escape  # what django.utils.html.escape does, without its lazy-text check

from django.template.loader import get_template
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.fragments import viewer_mark
from debates import widgets


def render_thread(
    page, *, signed_in: bool, viewer, topic_id: int, reply_url, news_after, is_moderator=False, csrf_token=""
) -> SafeString:
    if not page.nodes:
        return mark_safe(f"\n  <p>{escape(_('Nenhuma mensagem ainda. Comece a conversa!'))}</p>\n")
    short_format = get_format("SHORT_DATETIME_FORMAT")
    deleted, edited = escape(_("[mensagem excluída]")), escape(_("editada"))
    moderation = get_template("moderation/_post_moderation.html") if is_moderator else None
    zone = timezone.get_current_timezone()
    shared_actions = widgets.shared_post_actions(topic_id=topic_id, reply_url=reply_url) if signed_in else None
    parts = []
    for node in page.nodes:
        fresh = signed_in and node.created_at > news_after
        marks = (node.id, topic_id, node.created_instant) if fresh else None
        classes = f"post depth-{node.indent}"
        if node.is_deleted:
            classes += " deleted"
        if node.is_hidden:
            classes += " hidden-post"
        if marks:
            parts.append(viewer_mark("post_first_unread", *marks))
            classes += viewer_mark("post_new_class", *marks)
        parts.append(f'\n  <article id="post-{node.id}" class="{classes}">\n')
        if node.is_deleted:
            parts.append(f"    <p>{deleted}</p>\n")
        elif node.is_hidden:
            reason = _("Ocultada pela moderação: %(reason)s") % {"reason": node.hidden_reason}
            parts.append(f'    <p class="muted">{escape(reason)}</p>\n')
        else:
            created = node.created_at.astimezone(zone)
            meta = (
                f'    <p class="post-meta small"><strong>{escape(node.author_username)}</strong> ·\n'
                f'      <time datetime="{created.isoformat()}">'
                f"{escape(dateformat.format(created, short_format))}</time>"
            )
            if node.edited_at:
                meta += f' · <span class="muted">{edited}</span>'
            if marks:
                meta += viewer_mark("post_new_badge", *marks)
            content = linebreaks(node.content, autoescape=True)
            parts.append(f'{meta}</p>\n    <div class="post-content">{content}</div>\n')
        if shared_actions:
            actions = shared_actions(node)
        else:
            actions = widgets.vote_widget(node, viewer=viewer, my_vote=None)
        parts.append(f'    <div class="post-actions small">\n      {actions}\n')
        if moderation is not None and not node.is_deleted:
            parts.append(moderation.render({"node": node, "csrf_token": csrf_token}))
        parts.append("    </div>\n  </article>")
    parts.append("\n")
    return mark_safe("".join(parts))
