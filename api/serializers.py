"""Serializers: output shapes of the API, and validation of what clients send.

Input serializers only check types and sizes; the services enforce the rules (and their
pt-BR messages), so the API and the site refuse the same things.
"""

from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import BookReview, BookShelf, ReadingProgress
from core.limits import model_limit
from core.privacy import Visibility
from debates import services as debate_services
from debates.selectors import POST_SORTS

ShelfType = BookShelf.ShelfType
MAX_PAGES = 100_000
STATUS_SHELF_CHOICES = [(value, ShelfType(value).label) for value in BookShelf.STATUS_SHELVES]


def slug_field(**kwargs) -> serializers.CharField:
    # Checked before any lookup: a malformed slug never reaches the database.
    return serializers.CharField(max_length=255, validators=[validate_slug], **kwargs)


# --- Catalog ------------------------------------------------------------------------------


class NamedSlugSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class CategorySerializer(NamedSlugSerializer):
    id = serializers.IntegerField()


class AuthorSerializer(NamedSlugSerializer):
    id = serializers.IntegerField()


class BookCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    author_names = serializers.CharField()
    publication_year = serializers.IntegerField(allow_null=True)
    average_rating = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False)
    ratings_count = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")


class HistogramBarSerializer(serializers.Serializer):
    star = serializers.IntegerField()
    count = serializers.IntegerField()


class RatingStatsSerializer(serializers.Serializer):
    average = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False, allow_null=True)
    count = serializers.IntegerField()
    public_count = serializers.IntegerField()
    histogram = HistogramBarSerializer(many=True)


class BookRefSerializer(serializers.Serializer):
    title = serializers.CharField()
    slug = serializers.CharField()


class BookDetailSerializer(BookCardSerializer):
    original_title = serializers.CharField()
    authors = NamedSlugSerializer(many=True, source="authors.all")
    categories = NamedSlugSerializer(many=True, source="categories.all")
    tags = NamedSlugSerializer(many=True, source="tags.all")
    isbn = serializers.CharField()
    isbn13 = serializers.CharField()
    language_code = serializers.CharField()
    pages = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    cover_url = serializers.CharField()
    rating_stats = serializers.SerializerMethodField()

    @extend_schema_field(RatingStatsSerializer)
    def get_rating_stats(self, book) -> dict:
        # The cached review summary of the book page, passed in by the view.
        return RatingStatsSerializer(self.context["rating_stats"]).data


class NameQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)


# --- Shelves and reading progress ---------------------------------------------------------


class ShelfEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    book = BookCardSerializer()
    shelf_type = serializers.ChoiceField(choices=ShelfType.choices)
    custom_name = serializers.CharField()
    label = serializers.CharField(source="shelf_label")
    added_at = serializers.DateTimeField()
    started_at = serializers.DateField(allow_null=True)
    finished_at = serializers.DateField(allow_null=True)


class ShelfAddSerializer(serializers.Serializer):
    book = slug_field()
    shelf_type = serializers.ChoiceField(choices=ShelfType.choices)
    custom_name = serializers.CharField(
        required=False, allow_blank=True, max_length=model_limit(BookShelf, "custom_name"), default=""
    )


class ShelfMoveSerializer(serializers.Serializer):
    shelf_type = serializers.ChoiceField(choices=STATUS_SHELF_CHOICES)


class ProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    book = BookCardSerializer()
    current_page = serializers.IntegerField()
    total_pages = serializers.IntegerField()
    percentage = serializers.IntegerField()
    started_at = serializers.DateField()
    finished_at = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    is_abandoned = serializers.BooleanField()
    notes = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ProgressStartSerializer(serializers.Serializer):
    book = slug_field()
    total_pages = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGES)


class ProgressUpdateSerializer(serializers.Serializer):
    current_page = serializers.IntegerField(min_value=0, max_value=MAX_PAGES)
    total_pages = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGES)
    deadline = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=model_limit(ReadingProgress, "notes"))


# --- Reviews ------------------------------------------------------------------------------


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.CharField(source="user.username")
    rating = serializers.DecimalField(max_digits=2, decimal_places=1, coerce_to_string=False)
    title = serializers.CharField(source="shown_title")
    text = serializers.CharField(source="shown_text")
    contains_spoilers = serializers.BooleanField()
    would_recommend = serializers.BooleanField()
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    is_hidden = serializers.BooleanField(help_text=_("Ocultada pela moderação: título e texto vêm vazios."))
    hidden_reason = serializers.CharField(source="shown_hidden_reason")
    helpful_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReviewListSerializer(ReviewSerializer):
    marked_helpful = serializers.BooleanField(help_text=_("Se você marcou esta resenha como útil."))


class ReviewWriteSerializer(serializers.Serializer):
    rating = serializers.DecimalField(
        max_digits=2, decimal_places=1, min_value=1, max_value=5, help_text=_("De 1 a 5, em passos de 0,5.")
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=model_limit(BookReview, "title"))
    text = serializers.CharField(required=False, allow_blank=True, max_length=model_limit(BookReview, "text"))
    contains_spoilers = serializers.BooleanField(required=False)
    would_recommend = serializers.BooleanField(required=False)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        help_text=_("public: nas listas; unlisted: só com o link da resenha; private: só você."),
    )


class HelpfulSerializer(serializers.Serializer):
    marked_helpful = serializers.BooleanField()
    helpful_count = serializers.IntegerField()


# --- Debates ------------------------------------------------------------------------------


class TopicBookSerializer(serializers.Serializer):
    # A TopicRow carries the book as two flat fields.
    title = serializers.CharField(source="book_title")
    slug = serializers.CharField(source="book_slug")


class TopicRowSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    book = TopicBookSerializer(source="*")
    creator = serializers.CharField(source="creator_username")
    is_pinned = serializers.BooleanField()
    is_locked = serializers.BooleanField()
    posts_count = serializers.IntegerField()
    views_count = serializers.IntegerField()
    last_activity_at = serializers.DateTimeField()


class TopicDetailSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    book = BookRefSerializer()
    creator = serializers.CharField(source="creator.username")
    is_pinned = serializers.BooleanField()
    is_locked = serializers.BooleanField()
    posts_count = serializers.IntegerField()
    views_count = serializers.IntegerField()
    last_activity_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class TopicCreateSerializer(serializers.Serializer):
    book = slug_field()
    title = serializers.CharField(max_length=debate_services.TITLE_MAX_LENGTH)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=debate_services.DESCRIPTION_MAX_LENGTH, default=""
    )
    first_post = serializers.CharField(
        required=False, allow_blank=True, max_length=debate_services.CONTENT_MAX_LENGTH, default=""
    )


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    author = serializers.CharField(source="author_username")
    content = serializers.CharField(help_text=_("Vazio para uma mensagem excluída ou ocultada."))
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    is_deleted = serializers.BooleanField()
    is_hidden = serializers.BooleanField(help_text=_("Ocultada pela moderação."))
    hidden_reason = serializers.CharField(help_text=_("O motivo, quando ocultada."))
    votes_score = serializers.IntegerField()
    my_vote = serializers.SerializerMethodField(help_text=_("Seu voto: 1, -1 ou null."))

    def get_my_vote(self, node) -> int | None:
        # The reader's votes on the page, read fresh by the view (the threads are cached).
        return self.context["votes"].get(node.id)


class ReplySerializer(PostSerializer):
    depth = serializers.IntegerField(help_text=_("1 para uma resposta direta, 2 para a resposta de uma resposta..."))


class ThreadSerializer(PostSerializer):
    """A (root, replies) pair of the thread read model (`debates.selectors.PostPage.threads`)."""

    replies = ReplySerializer(many=True, help_text=_("As respostas do fio, na ordem da conversa."))

    def to_representation(self, thread):
        root, replies = thread
        data = PostSerializer(root, context=self.context).data
        data["replies"] = ReplySerializer(replies, many=True, context=self.context).data
        return data


class PostQuerySerializer(serializers.Serializer):
    sort = serializers.ChoiceField(
        choices=list(POST_SORTS),
        required=False,
        help_text=_("cronologica (padrão), votados ou recentes; alias `ordem`."),
    )


class PostWriteSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=debate_services.CONTENT_MAX_LENGTH)


class PostCreateSerializer(PostWriteSerializer):
    parent = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text=_("Id da mensagem respondida.")
    )


class VoteSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=[(1, _("a favor")), (-1, _("contra"))])


class VoteResultSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    my_vote = serializers.IntegerField(allow_null=True)
    votes_score = serializers.IntegerField()


# --- Recommendations ----------------------------------------------------------------------


class RecommendationSerializer(serializers.Serializer):
    book = BookCardSerializer()
    score = serializers.FloatField()
    reason = serializers.CharField()
