from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recomendações"

    def ready(self):
        from core.panels import register_panel
        from recommendations import cache, panels, signals  # noqa: F401  (connects the receivers)

        register_panel(
            "home",
            name="recommendations_for_you",
            order=8,
            render=panels.home_panel,
            namespaces=cache.panel_namespaces,
        )
        register_panel(
            "book",
            name="recommendations_similar",
            order=50,
            render=panels.book_panel,
            versions=lambda book: (cache.SIMILAR_NAMESPACE,),
            keys=lambda request, book: (cache.similar_books_key(book.pk),),
        )
        register_panel("profile", name="recommendations_for_you", order=20, render=panels.profile_panel)
