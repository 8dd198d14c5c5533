from django.contrib import admin

from notifications.models import Notification, TopicFollow


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor", "topic", "post", "book"]
    search_fields = ["recipient__username"]
    date_hierarchy = "created_at"


@admin.register(TopicFollow)
class TopicFollowAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "created_at"]
    list_select_related = ["user", "topic"]
    raw_id_fields = ["user", "topic"]
    search_fields = ["user__username", "topic__title"]
