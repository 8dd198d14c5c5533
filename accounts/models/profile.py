from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.reversing import reverse


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(_("sobre mim"), max_length=2000, blank=True)
    favorite_categories = models.ManyToManyField(
        "catalog.Category", blank=True, related_name="+", verbose_name=_("categorias favoritas")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("perfil")
        verbose_name_plural = _("perfis")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"username": self.user.username})
