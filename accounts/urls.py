from django.urls import path

from accounts import views

app_name = "accounts"
# Fixed routes have more path segments than, or a different second segment from, the
# reader routes (`<username>/`, `<username>/estantes/`), so no username can shadow them.
urlpatterns = [
    path("configuracoes/perfil/", views.profile_settings, name="profile_settings"),
    path("livro/<slug:slug>/estante/", views.shelf_update, name="shelf_update"),
    path("livro/<slug:slug>/progresso/", views.progress_start, name="progress_start"),
    path("livro/<slug:slug>/resenha/", views.review_create, name="review_create"),
    path("livro/<slug:slug>/resenhas/", views.book_reviews, name="book_reviews"),
    path("progresso/<int:pk>/atualizar/", views.progress_update, name="progress_update"),
    path("progresso/<int:pk>/abandonar/", views.progress_abandon, name="progress_abandon"),
    path("progresso/<int:pk>/retomar/", views.progress_restore, name="progress_restore"),
    path("estantes/visibilidade/", views.shelf_visibility_update, name="shelf_visibility"),
    path("resenhas/<int:pk>/", views.review_detail, name="review_detail"),
    path("resenhas/<int:pk>/editar/", views.review_edit, name="review_edit"),
    path("resenhas/<int:pk>/excluir/", views.review_delete, name="review_delete"),
    path("resenhas/<int:pk>/util/", views.review_helpful, name="review_helpful"),
    path("<str:username>/", views.profile, name="profile"),
    path("<str:username>/estantes/", views.shelves, name="shelves"),
]
