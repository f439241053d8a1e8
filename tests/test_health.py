"""/health/ for the load balancer: database, broker and worker, each checked for real, never hanging."""

import time

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_with_database_and_broker_but_no_worker_the_site_is_up_and_says_so(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
    assert body["worker"] == "down"  # no worker runs in this module: letters wait, the pages still work


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_a_broker_that_is_down_is_reported_quickly_and_the_site_stays_in_rotation(client):
    started = time.monotonic()
    response = client.get("/health/")
    took = time.monotonic() - started
    assert response.status_code == 200  # the pages work without the broker; letters and e-mail wait
    assert response.json() == {"status": "ok", "database": "ok", "broker": "down", "worker": "down"}
    assert took < 10, f"the probe took {took:.1f} s"  # a bound against hanging, not a speed target


def test_only_reading_methods(client):
    assert client.post("/health/").status_code == 405


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_probe_is_not_redirected_to_https(client):
    assert client.get("/health/").status_code == 200
    assert client.get("/").status_code == 301


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_a_worker_running_it_answers_ok_everywhere(client, celery_worker_process):
    body = client.get("/health/").json()
    assert body == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}


@override_settings(ALLOWED_HOSTS=["mijnschade.i3ml.nl"])
def test_the_probe_answers_whatever_host_the_load_balancer_sends(client):
    assert client.get("/health/", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400  # everything else still checks the host
