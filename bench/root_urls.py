from django.urls import include, path

from cgbookstore.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("__bench__/", include("bench.urls")), *site_urlpatterns]
