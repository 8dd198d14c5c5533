"""The bare-Django ceiling: `startproject`'s default middleware and one django-redis GET.

Served by the same gunicorn (deploy/gunicorn.conf.py) as the site, on the bench's cache
database, so the project's pages can be reported as a fraction of what Django itself
serves on this box in the same run. Nothing of the site is imported.
"""

import os

import django
from django.conf import settings
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

from bench.django_defaults import STARTPROJECT_MIDDLEWARE

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-not-a-secret",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                    "django.contrib.messages"],
    MIDDLEWARE=STARTPROJECT_MIDDLEWARE,
    CACHES={"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]}},
    DATABASES={},
)  # fmt: skip


def redis_get(request):
    value = cache.get("bench:ceiling")
    return HttpResponse(b"hit" if value is not None else b"miss", content_type="text/plain")


urlpatterns = [path("__bench__/redis/", redis_get)]
django.setup()
application = get_wsgi_application()
