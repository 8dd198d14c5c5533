from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import AppendOnlyAdminMixin
from debates import services
from debates.models import (
    DebatePost,
    DebateSuspension,
    DebateTopic,
    DebateVote,
    ModerationAction,
    PostEdit,
    PostReport,
)


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


class PostEditInline(admin.TabularInline):
    model = PostEdit
    extra = 0
    can_delete = False
    fields = ("edited_at", "editor", "old_content")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DebatePost)
class DebatePostAdmin(admin.ModelAdmin):
    list_display = ("id", "topic", "author", "created_at", "edited_at", "is_deleted", "is_hidden", "votes_score")
    list_filter = ("is_deleted", "is_hidden", "created_at")
    list_select_related = ("topic", "author")
    search_fields = ("content", "author__username", "topic__title")
    raw_id_fields = ("topic", "author", "parent")
    readonly_fields = ("votes_score", "upvotes", "downvotes", "wilson_score", "created_at", "edited_at", "deleted_at")
    inlines = (PostEditInline,)
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


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ("post", "reporter", "reason", "status", "created_at", "resolved_by")
    list_filter = ("status", "reason")
    list_select_related = ("post__topic", "post__author", "reporter", "resolved_by")
    raw_id_fields = ("post", "reporter", "resolved_by")


@admin.register(DebateSuspension)
class DebateSuspensionAdmin(admin.ModelAdmin):
    list_display = ("user", "until", "reason", "suspended_by", "created_at")
    list_select_related = ("user", "suspended_by")
    search_fields = ("user__username", "reason")
    raw_id_fields = ("user", "suspended_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail, read-only: nobody edits or deletes what a moderator did."""

    list_display = ("created_at", "actor", "kind", "target_type", "target_id", "reason")
    list_filter = ("kind", "target_type")
    list_select_related = ("actor",)
    search_fields = ("actor__username", "reason")
    date_hierarchy = "created_at"
