"""API views: parse with a serializer, call the apps' selectors and services, serialize.

Permissions are the site's: reads are public, writes need a reader, and the services
refuse someone else's object (403). Rate limits use the site's names and counters.
"""

import functools
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.filters import ShelfFilter
from accounts.models import BookReview, BookShelf, ReadingProgress
from api import selectors, serializers
from api.pagination import CachedPagePagination
from catalog import selectors as catalog_selectors
from catalog.filters import BookFilter
from catalog.models import Author, Book
from core.filters import ListFilterBackend
from core.pagination import SORT_ALIAS, SORT_PARAM, requested_page
from core.privacy import SHARE_PARAM
from core.ratelimit import check_rate_limit
from debates import selectors as debate_selectors
from debates import services as debate_services
from debates.filters import TopicFilter
from debates.models import DebatePost, DebateTopic
from recommendations import selectors as recommendation_selectors

NO_CONTENT = OpenApiResponse(description=_("Feito."))
SHARE_PARAMETER = OpenApiParameter(SHARE_PARAM, str, description=_("O token do link de uma resenha só com o link."))


def limited(name: str, *, key: str = "user_or_ip", method: str | tuple = "POST"):
    """Count the call against the site's limit `name` (after authentication, as on the site)."""

    def decorator(handler):
        @functools.wraps(handler)
        def wrapped(self, request, *args, **kwargs):
            check_rate_limit(request, name=name, key=key, method=method)
            return handler(self, request, *args, **kwargs)

        return wrapped

    return decorator


def conditional(request, data) -> Response:
    """A cached read with an ETag of its content: 304 when the client has it already."""
    body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = Response(data, headers={"ETag": etag, "Cache-Control": "no-cache"})
    return get_conditional_response(request._request, etag=etag, response=response)


def query(serializer_class, request) -> dict:
    """Validated query parameters; the pages' pt-BR names are accepted as aliases."""
    params = request.query_params.dict()
    if SORT_PARAM in params:
        params.setdefault(SORT_ALIAS, params.pop(SORT_PARAM))
    serializer = serializer_class(data=params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def body(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def book_from_body(slug: str) -> Book:
    book = Book.objects.defer("search_vector").filter(slug=slug).first()
    if book is None:
        raise ValidationError({"book": [_("Livro não encontrado.")]})
    return book


def book_from_url(slug: str) -> Book:
    book = catalog_selectors.book_detail(slug=slug)
    if book is None:
        raise Http404(_("Livro não encontrado."))
    return book


# --- Catalog ------------------------------------------------------------------------------


class BookListView(GenericAPIView):
    serializer_class = serializers.BookCardSerializer
    queryset = Book.objects.none()
    # The catalog page's own FilterSet: the same names, aliases and refusals.
    filterset_class = BookFilter
    filter_backends = [ListFilterBackend]

    @extend_schema(responses=serializers.BookCardSerializer(many=True))
    def get(self, request):
        """Books: search (`q`), filter by `categoria` (alias `category`) or `tag`, order by `ordem` (alias `sort`)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class BookDetailView(GenericAPIView):
    serializer_class = serializers.BookDetailSerializer

    def get(self, request, slug: str):
        """A book with its authors, categories, tags and rating stats (cached, with an ETag)."""
        book = book_from_url(slug)
        stats = account_selectors.book_reviews_summary(book=book)
        return conditional(request, self.get_serializer(book, context={"rating_stats": stats}).data)


class BookReviewsView(GenericAPIView):
    serializer_class = serializers.ReviewListSerializer

    @extend_schema(responses=serializers.ReviewListSerializer(many=True))
    def get(self, request, slug: str):
        """Public reviews of a book, most helpful first."""
        book = book_from_url(slug)
        reviews = self.paginate_queryset(account_selectors.public_reviews(book=book))
        helpful = account_selectors.helpful_review_ids(user=request.user, reviews=reviews)
        for review in reviews:
            review.marked_helpful = review.pk in helpful
        return self.get_paginated_response(self.get_serializer(reviews, many=True).data)

    @extend_schema(
        request=serializers.ReviewWriteSerializer,
        responses={201: serializers.ReviewSerializer, 409: OpenApiResponse(description=_("Você já avaliou."))},
    )
    @limited("review_write")
    def post(self, request, slug: str):
        """Review a book (once per reader)."""
        book = book_from_url(slug)
        data = body(serializers.ReviewWriteSerializer, request)
        review = account_services.review_create(user=request.user, book=book, **data)
        return Response(serializers.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class BookSimilarView(GenericAPIView):
    serializer_class = serializers.BookCardSerializer
    pagination_class = None

    @extend_schema(responses=serializers.BookCardSerializer(many=True))
    def get(self, request, slug: str):
        """Readers of this book also read: its nearest books in the recommendation model."""
        book = book_from_url(slug)
        books = recommendation_selectors.similar_books(book_id=book.pk)
        return Response(self.get_serializer(books, many=True).data)


class AuthorListView(GenericAPIView):
    serializer_class = serializers.AuthorSerializer

    @extend_schema(parameters=[serializers.NameQuerySerializer], responses=serializers.AuthorSerializer(many=True))
    def get(self, request):
        """Authors by name; `q` filters by part of the name."""
        q = catalog_selectors.clean_query(query(serializers.NameQuerySerializer, request).get("q"))
        page = self.paginate_queryset(selectors.author_list(q=q))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AuthorDetailView(GenericAPIView):
    serializer_class = serializers.AuthorSerializer

    def get(self, request, slug: str):
        return Response(self.get_serializer(get_object_or_404(Author, slug=slug)).data)


class AuthorBooksView(GenericAPIView):
    serializer_class = serializers.BookCardSerializer

    @extend_schema(responses=serializers.BookCardSerializer(many=True))
    def get(self, request, slug: str):
        """An author's books, oldest first."""
        author = get_object_or_404(Author, slug=slug)
        page = self.paginate_queryset(catalog_selectors.books_by_author(author=author))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CategoryListView(GenericAPIView):
    serializer_class = serializers.CategorySerializer
    pagination_class = None

    @extend_schema(responses=serializers.CategorySerializer(many=True))
    def get(self, request):
        """Every category (a short curated list); filter books with `/books/?category=<slug>`."""
        return Response(self.get_serializer(catalog_selectors.categories_for_filter(), many=True).data)


# --- My shelves and readings --------------------------------------------------------------


class ShelfListView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ShelfEntrySerializer
    queryset = BookShelf.objects.none()
    # The shelf page's own FilterSet: the same names, aliases, orders and refusals.
    filterset_class = ShelfFilter
    filter_backends = [ListFilterBackend]

    @extend_schema(responses=serializers.ShelfEntrySerializer(many=True))
    def get(self, request):
        """My shelf entries: `estante` (alias `shelf_type`) and `nome` (alias `custom_name`) pick
        one shelf, `ordem` (alias `sort`) orders them as the shelf page does (newest added first)."""
        choices = ShelfFilter.parse(request.query_params).choices
        entries = account_selectors.shelf_entries(
            user=request.user, shelf_type=choices["shelf_type"], custom_name=choices["custom_name"]
        )
        entries = account_selectors.shelf_entries_sorted(entries=entries, owner=request.user, sort=choices["sort"])
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=serializers.ShelfAddSerializer, responses={201: serializers.ShelfEntrySerializer})
    @limited("shelf_write")
    def post(self, request):
        """Add a book to a shelf; a reading-status shelf moves the book there."""
        data = body(serializers.ShelfAddSerializer, request)
        entry = account_services.shelf_add(
            user=request.user,
            book=book_from_body(data["book"]),
            shelf_type=data["shelf_type"],
            custom_name=data["custom_name"],
        )
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)


class ShelfEntryView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ShelfEntrySerializer
    queryset = BookShelf.objects.select_related("book")

    @extend_schema(request=serializers.ShelfMoveSerializer)
    @limited("shelf_write", method="PATCH")
    def patch(self, request, pk: int):
        """Move a book between Quero ler, Lendo, Lidos and Abandonados."""
        shelf_type = body(serializers.ShelfMoveSerializer, request)["shelf_type"]
        entry = account_services.shelf_entry_move(user=request.user, entry=self.get_object(), shelf_type=shelf_type)
        return Response(self.get_serializer(entry).data)

    @extend_schema(responses={204: NO_CONTENT})
    @limited("shelf_write", method="DELETE")
    def delete(self, request, pk: int):
        """Take the book off this shelf."""
        account_services.shelf_entry_remove(user=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgressListView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ProgressSerializer

    @extend_schema(responses=serializers.ProgressSerializer(many=True))
    def get(self, request):
        """My readings, most recently updated first."""
        page = self.paginate_queryset(selectors.progress_list(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=serializers.ProgressStartSerializer, responses={201: serializers.ProgressSerializer})
    @limited("shelf_write")
    def post(self, request):
        """Start (or resume) a reading; the book goes to Lendo."""
        data = body(serializers.ProgressStartSerializer, request)
        book = book_from_body(data["book"])
        progress = account_services.progress_start(user=request.user, book=book, total_pages=data.get("total_pages"))
        return Response(self.get_serializer(progress).data, status=status.HTTP_201_CREATED)


class OwnProgressView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ProgressSerializer
    queryset = ReadingProgress.objects.select_related("book", "user")


class ProgressDetailView(OwnProgressView):
    @extend_schema(request=serializers.ProgressUpdateSerializer)
    @limited("shelf_write", method="PATCH")
    def patch(self, request, pk: int):
        """Record the current page; the last page moves the book to Lidos."""
        progress = self.get_object()
        data = body(serializers.ProgressUpdateSerializer, request)
        progress = account_services.progress_update(progress=progress, user=request.user, **data)
        return Response(self.get_serializer(progress).data)


class ProgressAbandonView(OwnProgressView):
    @extend_schema(request=None)
    @limited("shelf_write")
    def post(self, request, pk: int):
        """Abandon a reading (the book goes to Abandonados)."""
        progress = account_services.progress_abandon(progress=self.get_object(), user=request.user)
        return Response(self.get_serializer(progress).data)


class MyRecommendationsView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.RecommendationSerializer
    pagination_class = None

    @extend_schema(responses=serializers.RecommendationSerializer(many=True))
    def get(self, request):
        """Books picked for me, best first, each with the reason."""
        items = recommendation_selectors.user_recommendations(user_id=request.user.pk)
        rows = [{**item, "reason": recommendation_selectors.reason_text(item)} for item in items]
        return Response(self.get_serializer(rows, many=True).data)


# --- Reviews ------------------------------------------------------------------------------


class ReviewDetailView(GenericAPIView):
    serializer_class = serializers.ReviewSerializer
    queryset = BookReview.objects.select_related("user")

    @extend_schema(parameters=[SHARE_PARAMETER])
    def get(self, request, pk: int):
        """A review as its visibility allows: public to all, unlisted with its link's token, private to its author."""
        review = account_selectors.review_for_viewer(pk=pk, viewer=request.user, token=request.GET.get(SHARE_PARAM))
        return Response(self.get_serializer(review).data)

    def get_object(self):
        # Writes reach only reviews the caller can see: another reader's private one is a 404.
        return account_selectors.review_for_viewer(pk=self.kwargs["pk"], viewer=self.request.user, token=None)

    @extend_schema(request=serializers.ReviewWriteSerializer)
    @limited("review_write", method="PATCH")
    def patch(self, request, pk: int):
        """Edit my review (only the fields sent change)."""
        review = self.get_object()
        data = body(serializers.ReviewWriteSerializer, request, partial=True)
        review = account_services.review_update(review=review, user=request.user, **data)
        return Response(self.get_serializer(review).data)

    @extend_schema(responses={204: NO_CONTENT})
    @limited("review_write", method="DELETE")
    def delete(self, request, pk: int):
        account_services.review_delete(review=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewHelpfulView(GenericAPIView):
    serializer_class = serializers.HelpfulSerializer

    @extend_schema(request=None, parameters=[SHARE_PARAMETER])
    @limited("vote")
    def post(self, request, pk: int):
        """Mark a public review as helpful, or take the mark back (a toggle)."""
        review = account_selectors.review_for_viewer(pk=pk, viewer=request.user, token=request.GET.get(SHARE_PARAM))
        marked = account_services.review_mark_helpful(review=review, user=request.user)
        review.refresh_from_db(fields=["helpful_count"])
        return Response(self.get_serializer({"marked_helpful": marked, "helpful_count": review.helpful_count}).data)


# --- Debates ------------------------------------------------------------------------------


def post_response(post: DebatePost, user, *, status_code: int = status.HTTP_200_OK) -> Response:
    votes = debate_selectors.user_votes(user=user, post_ids=[post.pk])
    data = serializers.PostSerializer(debate_selectors.post_node(post), context={"votes": votes}).data
    return Response(data, status=status_code)


class TopicListView(GenericAPIView):
    serializer_class = serializers.TopicRowSerializer
    pagination_class = CachedPagePagination
    queryset = DebateTopic.objects.none()
    # The debates page's own FilterSet: the same names, aliases, orders and refusals.
    filterset_class = TopicFilter
    filter_backends = [ListFilterBackend]

    @extend_schema(responses=serializers.TopicRowSerializer(many=True))
    @limited("debates_list", key="ip", method="GET")
    def get(self, request):
        """Debates, pinned first, then by `ordem` (alias `sort`; most recently active by default),
        only those of one book with `livro` (alias `book`); cached, with an ETag."""
        choices = TopicFilter.parse(request.query_params).choices
        page = debate_selectors.topic_list_page(page_number=requested_page(request.query_params), **choices)
        data = self.paginator.paginated_data(request, page, self.get_serializer(page.rows, many=True).data)
        return conditional(request, data)

    @extend_schema(request=serializers.TopicCreateSerializer, responses={201: serializers.TopicDetailSerializer})
    @limited("topic_create")
    def post(self, request):
        """Open a debate about a book (optionally with a first post)."""
        data = body(serializers.TopicCreateSerializer, request)
        topic = debate_services.topic_create(
            book=book_from_body(data["book"]),
            creator=request.user,
            title=data["title"],
            description=data["description"],
            first_post=data["first_post"] or None,
        )
        return Response(serializers.TopicDetailSerializer(topic).data, status=status.HTTP_201_CREATED)


class TopicDetailView(GenericAPIView):
    serializer_class = serializers.TopicDetailSerializer

    def get(self, request, slug: str):
        return Response(self.get_serializer(debate_selectors.topic_for_page(slug=slug)).data)


class TopicPostsView(GenericAPIView):
    serializer_class = serializers.ThreadSerializer
    pagination_class = CachedPagePagination

    @extend_schema(parameters=[serializers.PostQuerySerializer], responses=serializers.ThreadSerializer(many=True))
    def get(self, request, slug: str):
        """Top-level posts (the topic page's pages and orders), each with all its replies.

        The same cached thread read model as the topic page: a hidden or deleted post
        keeps its place, never its text.
        """
        topic = debate_selectors.topic_for_page(slug=slug)
        params = query(serializers.PostQuerySerializer, request)
        page = debate_selectors.topic_post_page(
            topic_id=topic.pk, page_number=requested_page(request.query_params), sort=params.get("sort", "")
        )
        votes = debate_selectors.user_votes(user=request.user, post_ids=[node.id for node in page.nodes])
        results = serializers.ThreadSerializer(page.threads(), many=True, context={"votes": votes}).data
        return Response(self.paginator.paginated_data(request, page, results))

    @extend_schema(request=serializers.PostCreateSerializer, responses={201: serializers.PostSerializer})
    @limited("post_create")
    def post(self, request, slug: str):
        """Post in a debate; `parent` makes it a reply. A locked debate answers 409."""
        topic = debate_selectors.topic_for_page(slug=slug)
        data = body(serializers.PostCreateSerializer, request)
        post = debate_services.post_create(
            topic=topic, author=request.user, content=data["content"], parent_id=data.get("parent")
        )
        return post_response(post, request.user, status_code=status.HTTP_201_CREATED)


class PostDetailView(GenericAPIView):
    serializer_class = serializers.PostSerializer

    @extend_schema(request=serializers.PostWriteSerializer)
    @limited("post_edit", method="PATCH")
    def patch(self, request, pk: int):
        """Edit my post (moderators may edit any)."""
        post = debate_selectors.post_for_write(pk=pk)
        content = body(serializers.PostWriteSerializer, request)["content"]
        post = debate_services.post_update(post=post, editor=request.user, content=content)
        return post_response(post, request.user)

    @extend_schema(responses={204: NO_CONTENT})
    def delete(self, request, pk: int):
        """Delete my post: its text goes, its replies stay in place."""
        debate_services.post_soft_delete(post=debate_selectors.post_for_write(pk=pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostRepliesView(GenericAPIView):
    serializer_class = serializers.PostSerializer

    @extend_schema(request=serializers.PostWriteSerializer, responses={201: serializers.PostSerializer})
    @limited("post_create")
    def post(self, request, pk: int):
        """Reply to a post."""
        parent = debate_selectors.post_for_write(pk=pk)
        content = body(serializers.PostWriteSerializer, request)["content"]
        post = debate_services.post_create(
            topic=parent.topic, author=request.user, content=content, parent_id=parent.pk
        )
        return post_response(post, request.user, status_code=status.HTTP_201_CREATED)


class PostVoteView(GenericAPIView):
    serializer_class = serializers.VoteResultSerializer

    @extend_schema(request=serializers.VoteSerializer)
    @limited("vote")
    def post(self, request, pk: int):
        """Vote 1 (a favor) or -1 (contra); the same vote again takes it back, the other flips it."""
        post = debate_selectors.post_for_write(pk=pk)
        value = body(serializers.VoteSerializer, request)["value"]
        my_vote = debate_services.vote_toggle(post=post, user=request.user, value=value)
        result = {"post_id": post.pk, "my_vote": my_vote, "votes_score": post.votes_score}
        return Response(self.get_serializer(result).data)
