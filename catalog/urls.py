from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.book_list, name="book_list"),
    # Before the book route: "autores" and "categorias" are not book slugs.
    path("autores/<slug:slug>/", views.author_detail, name="author_detail"),
    path("categorias/<slug:slug>/", views.category_detail, name="category_detail"),
    path("<slug:slug>/", views.book_detail, name="book_detail"),
    path("<slug:slug>/editar/", views.book_edit, name="book_edit"),
]
