"""Who moderates: shared by the debates queue and the review pages of accounts."""


def can_moderate(user) -> bool:
    """Moderators are staff accounts: deciding it costs no query on every page."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)
