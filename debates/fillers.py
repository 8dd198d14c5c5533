"""What fills the debates' marks and slots on pages shared by signed-in readers
(core.microcache.reader_page_cache; registered in DebatesConfig.ready()).

Each filler gets every mark of its kind on the page at once and reads at most once:
- "post_actions" (slot; post id, author id, score, topic id or 0 while replies are closed):
  the reader's votes over the page's posts; their own post shows its score, edit and delete,
  a post they voted on its pressed button; a moderator gets edit and delete everywhere.
- "topic_unread" (topic id, last activity, newest post of the page) and "post_new_class",
  "post_new_badge", "post_first_unread" (post id, topic id, created at): what is new since
  the reader's last visit. "topic_unread" also marks the topic read: every visit, shared
  page or not, writes one upsert when there is something new.
- "unread_class", "unread_badge" (topic id, last activity): the debates list's unread rows.
Times are `core.fragments.instant()` ints. The reader's read marks come from their cached
facts (`_since`), as of before this visit moves them.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.fragments import instant, instant_time, slug_url
from core.moderation import can_moderate
from core.personal import reader_facts
from debates import selectors, services, widgets
from debates.cache import READS_FACTS, VOTES_FACTS


class _Post:
    """What the vote widget needs of a post, from a slot's ints (a slot is only for visible posts)."""

    is_deleted = is_hidden = False

    def __init__(self, pk: int, author_id: int, score: int):
        self.id, self.author_id, self.votes_score = pk, author_id, score


def fill_post_actions(request, found) -> dict[int, str | None]:
    """A reader's own posts (their score, edit and delete) and the posts they voted on (the
    button pressed); every post for a moderator (edit and delete). Their votes come from
    their cached facts."""
    reader = request.user
    if not reader.is_authenticated:
        return {}
    moderator, reader_id = can_moderate(reader), reader.pk  # the lazy user, resolved once per page
    votes = reader_facts(request, VOTES_FACTS)
    if votes is None:  # too many to cache: one query
        others = [pk for pk, author_id, *_rest in found if author_id != reader_id]
        votes = selectors.user_votes(user=reader, post_ids=others)
    mine = [item for item in found if moderator or item[1] == reader_id or item[0] in votes]
    if not mine:
        return {}
    # The reply link needs the topic's slug (kept per process: no query once known).
    slugs = selectors.topic_slugs({item[3] for item in mine if item[3]})
    replies = {topic_id: widgets.topic_reply_url(slug) for topic_id, slug in slugs.items()}
    labels = widgets.post_labels()
    fills: dict[int, str | None] = {}
    for pk, author_id, score, topic_id in mine:
        vote = widgets.vote_widget(_Post(pk, author_id, score), viewer=reader, my_vote=votes.get(pk), labels=labels)
        reply, is_author = replies.get(topic_id), author_id == reader_id
        fills[pk] = widgets.post_actions(
            pk, vote, reply_url=reply, is_author=is_author, is_moderator=moderator, labels=labels
        )
    return fills


def _since(request, topic_ids) -> dict[int, int]:
    """topic id -> since when activity is new to the reader (an instant), as of before this
    visit marks anything read: from their cached read marks (core.personal.reader_facts), or
    one query per request for a reader with too many to cache. Kept for the request: a
    page's kinds of marks ask about the same topics."""
    known = request.__dict__.setdefault("_debates_since", {})
    missing = [pk for pk in topic_ids if pk not in known]
    if missing:
        marks = reader_facts(request, READS_FACTS)
        if marks is None:
            marks = selectors.read_marks(user=request.user, topic_ids=missing)
        floor = selectors.unread_floor(request.user)  # selectors.unread_since, once for all
        known.update({pk: instant(max(marks.get(pk) or floor, floor)) for pk in missing})
    return known


def fill_topic_unread(request, found) -> dict[int, str]:
    if not request.user.is_authenticated:
        return {}
    since = _since(request, {pk for pk, *_rest in found})
    news = [(topic_id, last, newest) for topic_id, last, newest in found if last > since[topic_id]]
    slugs = selectors.topic_slugs({topic_id for topic_id, *_rest in news})  # known topics only
    fills = {}
    for topic_id, last_activity, newest in news:
        if topic_id in fills or topic_id not in slugs:
            continue
        services.topic_mark_read(user=request.user, topic_id=topic_id, read_at=instant_time(last_activity))
        if newest > since[topic_id]:
            href = "#primeira-nao-lida"
        else:
            url = slug_url("debates:topic_first_unread", slugs[topic_id])
            href = f"{url}?desde={since[topic_id] // 1_000_000}"
        fills[topic_id] = format_html(
            '<p class="message info unread-note">{}\n    <a href="{}">{}</a></p>',
            _("Há mensagens novas desde a sua última visita."),
            href,
            _("Ir para a primeira não lida"),
        )
    return fills


def _new_posts(request, found) -> list[int]:
    """The found posts created after the reader's last visit of their topic, in page order."""
    if not request.user.is_authenticated:
        return []
    since = _since(request, {topic_id for _pk, topic_id, _created in found})
    return [pk for pk, topic_id, created in found if created > since[topic_id]]


def fill_post_new_class(request, found) -> dict[int, str]:
    return dict.fromkeys(_new_posts(request, found), " unread")


def fill_post_new_badge(request, found) -> dict[int, str]:
    badge = format_html(' · <span class="badge new">{}</span>', _("nova"))
    return dict.fromkeys(_new_posts(request, found), badge)


def fill_post_first_unread(request, found) -> dict[int, str]:
    new = _new_posts(request, found)
    return {new[0]: mark_safe('<span id="primeira-nao-lida"></span>')} if new else {}


def _unread_topics(request, found) -> list[int]:
    """The listed topics with activity after the reader's last visit."""
    if not request.user.is_authenticated:
        return []
    since = _since(request, {pk for pk, _last in found})
    return [pk for pk, last_activity in found if last_activity > since[pk]]


def fill_unread_class(request, found) -> dict[int, str]:
    return dict.fromkeys(_unread_topics(request, found), " unread")


def fill_unread_badge(request, found) -> dict[int, str]:
    label = _("Novas mensagens")
    badge = '<a class="badge new" href="{}">{}</a>'
    return {
        pk: format_html(badge, slug_url("debates:topic_first_unread", slug), label)
        for pk, slug in selectors.topic_slugs(_unread_topics(request, found)).items()
    }


FILLERS = {
    "post_actions": fill_post_actions,
    "topic_unread": fill_topic_unread,
    "post_new_class": fill_post_new_class,
    "post_new_badge": fill_post_new_badge,
    "post_first_unread": fill_post_first_unread,
    "unread_class": fill_unread_class,
    "unread_badge": fill_unread_badge,
}
