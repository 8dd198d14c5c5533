from .book_review import BookReview, ReviewHelpfulVote
from .book_shelf import BookShelf
from .profile import Profile
from .reading_progress import ReadingProgress
from .review_edit import ReviewEdit
from .shelf_visibility import ShelfVisibility

__all__ = [
    "BookReview",
    "BookShelf",
    "Profile",
    "ReadingProgress",
    "ReviewEdit",
    "ReviewHelpfulVote",
    "ShelfVisibility",
]
