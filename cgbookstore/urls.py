from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from accounts.admin_login import AdminLoginForm, throttled
from core.metrics import metrics_view

# The admin's login counts failures in allauth's buckets and answers 429 past them.
admin.site.login_form = AdminLoginForm
admin.site.login = throttled(admin.site.login)
# allauth answers its own limits (e.g. e-mail changes) with this: our 429 with Retry-After.
handler429 = "core.middleware.too_many_requests"

urlpatterns = [
    path("", include("core.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("livros/", include("catalog.urls")),
    path("leitores/", include("accounts.urls")),
    # Moderation first: its pages keep their /debates/ paths, ahead of the topic slugs.
    path("debates/", include("moderation.urls")),
    path("debates/", include("debates.urls")),
    path("recomendacoes/", include("recommendations.urls")),
    path("notificacoes/", include("notifications.urls")),
    path("biblioteca/", include("library.urls")),
    path("social/", include("social.urls")),
    path("api/", include("api.urls")),
    path("conta/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Development only: in production nginx serves MEDIA_URL (deploy/nginx.conf).
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if "debug_toolbar" in settings.INSTALLED_APPS:
    urlpatterns += [path("__debug__/", include("debug_toolbar.urls"))]
