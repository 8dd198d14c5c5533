from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from debates import services
from debates.models import DebatePost, DebateTopic, DebateVote, PostEdit


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
    # Pin and lock: moderation.admin adds them (through the moderation services).


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
