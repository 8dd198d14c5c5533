from django.urls import path
from django.views.generic import TemplateView

app_name = "catalog"
_todo = TemplateView.as_view(template_name="base.html")
urlpatterns = [
    path("", _todo, name="book_list"),
    path("<slug:slug>/", _todo, name="book_detail"),
    path("autores/<slug:slug>/", _todo, name="author_detail"),
    path("categorias/<slug:slug>/", _todo, name="category_detail"),
]
