from django.urls import path

from recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("api/para-mim/", views.for_me, name="api_for_me"),
    path("api/livro/<slug:slug>/semelhantes/", views.similar, name="api_similar"),
]
