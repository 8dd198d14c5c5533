from django.urls import path

from recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("comecar/", views.onboarding, name="onboarding"),
    path("api/para-mim/", views.for_me, name="api_for_me"),
    path("api/livro/<slug:slug>/semelhantes/", views.similar, name="api_similar"),
]
