import pytest
from django.urls import reverse

from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory


@pytest.mark.django_db
def test_admin_lists_searches_and_edits_books(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    book = BookFactory(title="Vidas Secas")

    assert client.get(reverse("admin:catalog_book_changelist"), {"q": "secas"}).status_code == 200
    assert client.get(reverse("admin:catalog_book_change", args=[book.pk])).status_code == 200
    for model in ("author", "category", "tag"):
        assert client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200
