import pytest

pytestmark = pytest.mark.django_db


def test_an_api_address_that_matches_nothing_is_a_json_404(client):
    response = client.get("/api/v1/payments/null,null/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Niet gevonden.", "code": "not_found", "errors": {}}


def test_a_page_address_that_matches_nothing_is_still_a_page(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
