from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import AppendOnlyAdminMixin
from debates.admin import DebateTopicAdmin
from debates.models import DebateTopic
from moderation import services
from moderation.models import DebateSuspension, ModerationAction, PostReport, ReviewReport

# The topic admin of debates, with moderation's actions: pin and lock go through the services
# (and so into the audit trail) from the admin too.
admin.site.unregister(DebateTopic)


@admin.register(DebateTopic)
class ModeratedTopicAdmin(DebateTopicAdmin):
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


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ("post", "reporter", "reason", "status", "created_at", "resolved_by")
    list_filter = ("status", "reason")
    list_select_related = ("post__topic", "post__author", "reporter", "resolved_by")
    raw_id_fields = ("post", "reporter", "resolved_by")


@admin.register(ReviewReport)
class ReviewReportAdmin(admin.ModelAdmin):
    list_display = ("review", "reporter", "reason", "status", "created_at", "resolved_by")
    list_filter = ("status", "reason")
    list_select_related = ("review__book", "review__user", "reporter", "resolved_by")
    raw_id_fields = ("review", "reporter", "resolved_by")


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
