from django.apps import AppConfig


class SocialConfig(AppConfig):
    """Follows, activities and the home feed: above accounts, debates and library, below api and demo."""

    name = "social"
    verbose_name = "Rede de leitores"

    def ready(self):
        from core.fragments import register_filler
        from core.panels import register_panel
        from core.personal import ACTIVITY_TIMEOUT, register_personal
        from social import cache, panels, signals  # noqa: F401  (connect receivers)

        # The dashboard's main column, after "reading now"; suggestions in its side column.
        # Both cached per reader (core.personal); the feed until a push, a retraction or a
        # read-merged account's activity bumps its versions, or its "há …" have aged.
        register_panel(
            "home",
            name="social_feed",
            order=6,
            render=panels.home_feed_panel,
            namespaces=cache.feed_fragment_namespaces,
            timeout=ACTIVITY_TIMEOUT,
        )
        register_panel(
            "home_side",
            name="social_suggestions",
            order=30,
            render=panels.suggestions_panel,
            namespaces=lambda user_id: (cache.relations_namespace(user_id),),
        )
        register_personal(
            panels.FEED_PAGE,
            panels.feed_page_body,
            namespaces=cache.feed_fragment_namespaces,
            timeout=ACTIVITY_TIMEOUT,
        )
        register_panel(
            "profile",
            name="social_follow",
            order=1,
            render=panels.profile_panel,
            shareable=panels.profile_shareable,
            versions=lambda owner: (cache.LINES_NAMESPACE,),
        )
        # A profile shared with signed-in readers: each one's follow buttons and "segue você".
        register_filler("follow", panels.fill_follow, visitor=panels.fill_nothing_for_visitor)
        register_filler("follows_you", panels.fill_follows_you, visitor=panels.fill_nothing_for_visitor)

        from core.personal import register_facts
        from social import selectors

        register_facts(
            panels.RELATED_FACTS,
            selectors.reader_related,
            namespaces=lambda user_id: (cache.relations_namespace(user_id),),
        )
