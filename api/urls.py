from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api import social, tokens, views

app_name = "api"

v1 = [
    path("books/", views.BookListView.as_view(), name="book_list"),
    path("books/<slug:slug>/", views.BookDetailView.as_view(), name="book_detail"),
    path("books/<slug:slug>/reviews/", views.BookReviewsView.as_view(), name="book_reviews"),
    path("books/<slug:slug>/similar/", views.BookSimilarView.as_view(), name="book_similar"),
    path("authors/", views.AuthorListView.as_view(), name="author_list"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("authors/<slug:slug>/books/", views.AuthorBooksView.as_view(), name="author_books"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("me/shelves/", views.ShelfListView.as_view(), name="shelf_list"),
    path("me/shelves/<int:pk>/", views.ShelfEntryView.as_view(), name="shelf_entry"),
    path("me/progress/", views.ProgressListView.as_view(), name="progress_list"),
    path("me/progress/<int:pk>/", views.ProgressDetailView.as_view(), name="progress_detail"),
    path("me/progress/<int:pk>/abandon/", views.ProgressAbandonView.as_view(), name="progress_abandon"),
    path("me/recommendations/", views.MyRecommendationsView.as_view(), name="my_recommendations"),
    path("me/tokens/", tokens.TokenListView.as_view(), name="token_list"),
    path("me/tokens/<int:pk>/", tokens.TokenDetailView.as_view(), name="token_detail"),
    path("me/feed/", social.FeedView.as_view(), name="my_feed"),
    path("readers/<str:username>/follow/", social.FollowView.as_view(), name="reader_follow"),
    path("readers/<str:username>/activities/", social.ReaderActivitiesView.as_view(), name="reader_activities"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/helpful/", views.ReviewHelpfulView.as_view(), name="review_helpful"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<slug:slug>/posts/", views.TopicPostsView.as_view(), name="topic_posts"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/<int:pk>/replies/", views.PostRepliesView.as_view(), name="post_replies"),
    path("posts/<int:pk>/vote/", views.PostVoteView.as_view(), name="post_vote"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is served as a file (`?script`), never inline.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc writes its styles at run time (styled-components) and searches in a blob: worker:
    # the only page whose policy allows inline styles.
    path(
        "redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/novo/", tokens.token_create, name="token_create"),
    path("tokens/<int:pk>/revogar/", tokens.token_revoke, name="token_revoke"),
]
