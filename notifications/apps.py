from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notificações"

    def ready(self):
        from core.panels import register_panel
        from notifications import panels, signals  # noqa: F401  (connects the receivers)

        register_panel("topic", name="notifications_follow", order=10, render=panels.topic_panel)
        register_panel("home_side", name="notifications_followed", order=20, render=panels.home_followed_panel)

        from core.fragments import register_filler

        register_filler("topic_follow", panels.fill_topic_follow)
