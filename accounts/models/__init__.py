from .book_review import BookReview, ReviewHelpfulVote
from .book_shelf import BookShelf
from .profile import Profile
from .reading_progress import ReadingProgress

__all__ = ["BookReview", "BookShelf", "Profile", "ReadingProgress", "ReviewHelpfulVote"]
