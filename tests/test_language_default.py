"""Dutch first: a browser asking for English still gets Dutch until the visitor chooses English."""

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_the_browser_language_does_not_switch_the_site(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "nl"
    assert '<html lang="nl">' in page.content.decode()


@pytest.mark.django_db
def test_choosing_english_switches_the_site(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
