from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = "Biblioteca"

    def ready(self):
        from core.panels import register_panel
        from library import panels, signals  # noqa: F401  (connect receivers)
        from library.cache import reader_namespace

        register_panel(
            "profile",
            name="library_goal",
            order=40,
            render=panels.profile_goal_panel,
            versions=lambda owner: (reader_namespace(owner.pk),),
        )
        register_panel(
            "home_side",
            name="library_goal",
            order=10,
            render=panels.home_goal_panel,
            namespaces=lambda user_id: (),  # the reader's own writes only (and the day)
        )
