from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from debates import services
from debates.models import DebatePost, DebateTopic, DebateVote


@admin.register(DebateTopic)
class DebateTopicAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "book",
        "creator",
        "is_pinned",
        "is_locked",
        "posts_count",
        "views_count",
        "last_activity_at",
    )
    list_filter = ("is_pinned", "is_locked", "created_at")
    list_select_related = ("book", "creator")
    search_fields = ("title", "slug", "book__title", "creator__username")
    raw_id_fields = ("book", "creator")
    readonly_fields = ("views_count", "posts_count", "created_at", "updated_at")
    date_hierarchy = "created_at"
    actions = ("pin", "unpin", "lock", "unlock")

    def _apply(self, request, queryset, service, **flag):
        for topic in queryset:
            service(topic=topic, actor=request.user, **flag)
        self.message_user(request, _("%(count)d debate(s) atualizado(s).") % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Fixar no topo"), permissions=["change"])
    def pin(self, request, queryset):
        self._apply(request, queryset, services.topic_set_pinned, pinned=True)

    @admin.action(description=_("Desafixar"), permissions=["change"])
    def unpin(self, request, queryset):
        self._apply(request, queryset, services.topic_set_pinned, pinned=False)

    @admin.action(description=_("Trancar"), permissions=["change"])
    def lock(self, request, queryset):
        self._apply(request, queryset, services.topic_set_locked, locked=True)

    @admin.action(description=_("Destrancar"), permissions=["change"])
    def unlock(self, request, queryset):
        self._apply(request, queryset, services.topic_set_locked, locked=False)


@admin.register(DebatePost)
class DebatePostAdmin(admin.ModelAdmin):
    list_display = ("id", "topic", "author", "created_at", "edited_at", "is_deleted", "votes_score")
    list_filter = ("is_deleted", "created_at")
    list_select_related = ("topic", "author")
    search_fields = ("content", "author__username", "topic__title")
    raw_id_fields = ("topic", "author", "parent")
    readonly_fields = ("votes_score", "created_at", "edited_at", "deleted_at")
    actions = ("soft_delete",)

    @admin.action(description=_("Excluir (mantendo a conversa)"), permissions=["change"])
    def soft_delete(self, request, queryset):
        for post in queryset.filter(is_deleted=False):
            services.post_soft_delete(post=post, actor=request.user)
        self.message_user(request, _("Mensagens excluídas."), messages.SUCCESS)


@admin.register(DebateVote)
class DebateVoteAdmin(admin.ModelAdmin):
    list_display = ("user", "post", "value", "created_at")
    list_filter = ("value",)
    list_select_related = ("user", "post")
    raw_id_fields = ("user", "post")
