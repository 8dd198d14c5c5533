"""Mounted at /__bench__/ only when settings.BENCH_ENDPOINTS is true."""

from django.urls import path

from bench import ceiling

app_name = "bench"
urlpatterns = [
    path("trivial/", ceiling.trivial, name="trivial"),
    path("redis/", ceiling.redis_get, name="redis"),
]
