"""`status` changes only through the lifecycle services: not by assignment, not by queries, not in the admin."""

import pytest
from django.test import Client

from claims.models import Claim, ClaimTransition
from tests.factories import Cast, UserFactory, claim_in


@pytest.fixture
def claim(db):
    return claim_in(Cast(), "intake")


def test_status_cannot_be_assigned(claim):
    with pytest.raises(AttributeError):
        claim.status = "closed"


def test_status_cannot_be_updated_by_query(claim):
    with pytest.raises(AttributeError):
        Claim.objects.filter(pk=claim.pk).update(status="closed")
    with pytest.raises(AttributeError):
        Claim.objects.bulk_update([claim], ["status"])
    claim.refresh_from_db()
    assert claim.status == "intake"


def test_a_claim_cannot_be_created_in_a_later_state(claim):
    with pytest.raises(AttributeError):
        Claim.objects.create(reference="MS-2026-999999", property=claim.property, applicant=claim.applicant,
                             status="decided")


@pytest.fixture
def admin_client(db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client, admin


def test_the_admin_change_form_does_not_change_status(claim, admin_client):
    client, _ = admin_client
    url = f"/admin/claims/claim/{claim.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    form = {
        "property": claim.property_id, "applicant": claim.applicant_id, "channel": "online", "status": "closed",
        "description": "", "priority_reason": "", "claimed_amount": "0",
        "damage_items-TOTAL_FORMS": "0", "damage_items-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    }
    client.post(url, form)
    claim.refresh_from_db()
    assert claim.status == "intake"


def test_admin_actions_fire_transitions_through_the_service(claim, admin_client):
    client, admin = admin_client
    data = {"action": "transition_hold", "_selected_action": [claim.pk]}
    page = client.post("/admin/claims/claim/", data)
    assert page.status_code == 200  # the form that asks for the reason
    assert "Toelichting" in page.content.decode()
    client.post("/admin/claims/claim/", {**data, "confirm": "1", "reason": "Bewoner op vakantie."})
    claim.refresh_from_db()
    assert claim.status == "on_hold"
    last = ClaimTransition.objects.filter(claim=claim).last()
    assert (last.name, last.actor, last.reason) == ("hold", admin, "Bewoner op vakantie.")


def test_admin_action_refusal_is_shown_and_changes_nothing(claim, admin_client):
    client, _ = admin_client
    page = client.post("/admin/claims/claim/",
                       {"action": "transition_decide", "_selected_action": [claim.pk], "confirm": "1",
                        "outcome": "granted", "awarded_amount": "100"}, follow=True)
    assert "kan nu niet" in page.content.decode()
    claim.refresh_from_db()
    assert claim.status == "intake"


def test_history_rows_are_append_only(claim):
    from claims.models import ImmutableRecordError

    row = ClaimTransition.objects.filter(claim=claim).first()
    row.reason = "changed"
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        row.delete()
