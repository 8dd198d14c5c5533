from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notificações"

    def ready(self):
        from core.panels import register_panel
        from core.personal import ACTIVITY_TIMEOUT
        from debates.cache import reads_namespace
        from notifications import cache, panels, signals  # noqa: F401  (connects the receivers)

        register_panel("topic", name="notifications_follow", order=10, render=panels.topic_panel)
        # Cached per reader (core.personal): a new post in a followed debate notifies them,
        # which bumps their notifications namespace; their read marks bump theirs.
        register_panel(
            "home_side",
            name="notifications_followed",
            order=20,
            render=panels.home_followed_panel,
            namespaces=lambda user_id: (cache.reader_namespace(user_id), reads_namespace(user_id)),
            timeout=ACTIVITY_TIMEOUT,
        )

        from core.fragments import register_filler

        register_filler("topic_follow", panels.fill_topic_follow)

        from core.personal import register_facts
        from notifications import selectors

        register_facts(panels.FOLLOWS_FACTS, selectors.reader_followed_topic_ids)
        register_facts(
            panels.UNREAD_FACTS, selectors.unread_count, namespaces=lambda user_id: (cache.reader_namespace(user_id),)
        )
