"""The back office can browse every model of the dossier."""

import pytest
from django.apps import apps
from django.contrib import admin

from tests.factories import Cast, UserFactory, claim_in


def test_every_model_of_the_dossier_is_in_the_admin():
    missing = [m.__name__ for label in ("claims", "casework") for m in apps.get_app_config(label).get_models()
               if m not in admin.site._registry]
    assert missing == []


@pytest.mark.django_db
def test_every_changelist_opens(client):
    claim_in(Cast(), "info_requested")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for label in ("claims", "casework"):
        for model in apps.get_app_config(label).get_models():
            url = f"/admin/{label}/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url
