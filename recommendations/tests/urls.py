"""The site's URLs plus this app's, until the project URLconf includes them."""

from django.urls import include, path

urlpatterns = [
    path("recomendacoes/", include("recommendations.urls")),
    path("", include("cgbookstore.urls")),
]
