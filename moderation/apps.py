from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderação"

    def ready(self):
        from core.moderation import register_write_check
        from core.panels import register_panel
        from moderation import panels, services

        # debates asks core.moderation before a post, a topic or a vote: a suspended reader writes nothing.
        register_write_check("suspension", services.check_not_suspended)
        # After the other topic panels, where the moderator's controls always were.
        register_panel("topic", name="moderation", order=100, render=panels.topic_panel)
