"""The audit of access (issue 7, item 3): every opening of a dossier, download and export by staff is one
append-only row (who, what, when, from where); a resident's own reads are not recorded; the coordinator's page
/werk/zaken/<reference>/inzage/ shows the rows, to the coordinator only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import roles as R
from claims.access_log import client_ip
from claims.models import AccessLog, ImmutableRecordError
from claims.timeutil import now
from claims.uploads import store_upload
from tests.api.conftest import token_client
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, resident

pytestmark = pytest.mark.django_db

IP = "192.0.2.17"


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def photo(claim, actor):
    file = SimpleUploadedFile("scheur.png", samples.png(), content_type="image/png")
    return store_upload(claim=claim, file=file, kind="photo", actor=actor)


def only_row(**expected) -> AccessLog:
    rows = list(AccessLog.objects.all())
    assert len(rows) == 1, rows
    row = rows[0]
    for name, value in expected.items():
        assert getattr(row, name) == value, (name, getattr(row, name), value)
    assert row.ip_address == IP
    return row


def get(client, url, **extra):
    return client.get(url, REMOTE_ADDR=IP, HTTP_USER_AGENT="Testbrowser/1.0 " + "x" * 300, **extra)


# --- each hook records exactly one row ------------------------------------------------------------------------

def test_opening_the_dossier_records_one_row(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(cast.caseworker)
    assert get(client, reverse("casework:dossier", args=[claim.reference])).status_code == 200
    row = only_row(user=cast.caseworker, claim=claim, action=AccessLog.Action.DOSSIER_OPENED)
    assert row.user_agent.startswith("Testbrowser/1.0") and len(row.user_agent) == 200


def test_a_staff_download_records_one_row_with_the_document(client, cast, media):
    claim = claim_in(cast, "inspection")
    document = photo(claim, cast.resident)
    client.force_login(cast.caseworker)
    assert get(client, reverse("claims:document_download", args=[document.pk])).status_code == 200
    only_row(user=cast.caseworker, claim=claim, action=AccessLog.Action.DOCUMENT_DOWNLOADED, document=document)


def test_a_residents_own_download_records_nothing(client, cast, media):
    claim = claim_in(cast, "inspection")
    document = photo(claim, cast.resident)
    client.force_login(cast.resident)
    assert get(client, reverse("claims:document_download", args=[document.pk])).status_code == 200
    assert not AccessLog.objects.exists()


def test_the_caseload_export_records_one_row_without_a_claim(client, cast):
    claim_in(cast, "intake")
    client.force_login(cast.caseworker)
    response = get(client, reverse("casework:caseload_csv") + "?q=Heerlen")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    only_row(user=cast.caseworker, claim=None, action=AccessLog.Action.EXPORT, detail="q=Heerlen")


def test_the_experts_inspection_page_records_one_row(client, cast):
    claim = claim_in(cast, "inspection")
    client.force_login(cast.expert)
    assert get(client, reverse("casework:expert_inspection", args=[claim.reference])).status_code == 200
    only_row(user=cast.expert, claim=claim, action=AccessLog.Action.DOSSIER_OPENED)


def test_the_commission_review_records_one_row_once_declared(client, cast):
    claim = claim_in(cast, "commission_review")
    client.force_login(cast.commission)
    url = reverse("casework:commission_claim", args=[claim.reference])
    assert get(client, url).status_code == 200  # the declaration first: nothing of the dossier shown yet
    assert not AccessLog.objects.exists()
    client.post(reverse("casework:commission_declare", args=[claim.reference]), {"conflict": "none"})
    assert get(client, url).status_code == 200
    only_row(user=cast.commission, claim=claim, action=AccessLog.Action.DOSSIER_OPENED)


def test_the_decision_page_records_one_row(client, cast):
    claim = claim_in(cast, "decision_pending")
    client.force_login(cast.decision_maker)
    assert get(client, reverse("casework:decision_claim", args=[claim.reference])).status_code == 200
    only_row(user=cast.decision_maker, claim=claim, action=AccessLog.Action.DOSSIER_OPENED)


def test_the_objection_page_records_one_row(client, cast):
    claim = claim_in(cast, "objection")
    client.force_login(cast.objection_handler)
    assert get(client, reverse("casework:objection_claim", args=[claim.reference])).status_code == 200
    only_row(user=cast.objection_handler, claim=claim, action=AccessLog.Action.DOSSIER_OPENED)


def test_the_finance_page_records_one_row(client, cast):
    claim = claim_in(cast, "settlement")
    client.force_login(cast.finance)
    assert get(client, reverse("casework:finance_claim", args=[claim.reference])).status_code == 200
    only_row(user=cast.finance, claim=claim, action=AccessLog.Action.DOSSIER_OPENED)


def test_the_api_claim_detail_records_one_row_for_staff(cast):
    claim = claim_in(cast, "intake")
    client = token_client(cast.caseworker, R.CASEWORKER)
    url = f"/api/v1/claims/{claim.reference}/"
    assert get(client, url).status_code == 200
    only_row(user=cast.caseworker, claim=claim, action=AccessLog.Action.API_READ, detail=url)


def test_the_api_document_file_records_one_row_for_staff_and_none_for_the_resident(cast, media):
    claim = claim_in(cast, "inspection")
    document = photo(claim, cast.resident)
    url = f"/api/v1/claims/{claim.reference}/documents/{document.pk}/file/"
    assert get(token_client(cast.resident, R.RESIDENT), url).status_code == 200
    assert not AccessLog.objects.exists()
    assert get(token_client(cast.caseworker, R.CASEWORKER), url).status_code == 200
    only_row(user=cast.caseworker, claim=claim, action=AccessLog.Action.API_READ, document=document, detail=url)


# --- where from ----------------------------------------------------------------------------------------------

class FakeRequest:
    def __init__(self, **meta):
        self.META = meta


def test_the_address_is_remote_addr_unless_proxies_are_trusted(settings):
    request = FakeRequest(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert client_ip(request) == "10.0.0.1"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_ip(request) == "198.51.100.4"
    assert client_ip(FakeRequest(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.1"


# --- append-only ---------------------------------------------------------------------------------------------

def test_rows_cannot_be_changed_or_deleted(cast):
    claim = claim_in(cast, "intake")
    row = AccessLog.objects.create(user=cast.caseworker, claim=claim, action=AccessLog.Action.DOSSIER_OPENED,
                                   ip_address=IP)
    row.detail = "changed"
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        row.delete()
    assert AccessLog.objects.get(pk=row.pk).detail == ""


# --- the coordinator's page ----------------------------------------------------------------------------------

def page_url(claim) -> str:
    return reverse("casework:dossier_access_log", args=[claim.reference])


def log(claim, user, count: int, *, action=AccessLog.Action.DOSSIER_OPENED):
    start = now() - dt.timedelta(days=1)
    AccessLog.objects.bulk_create([
        AccessLog(user=user, claim=claim, action=action, ip_address=IP, created_at=start + dt.timedelta(minutes=i))
        for i in range(count)
    ])


def test_the_coordinator_sees_who_looked_newest_first(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(cast.caseworker)
    get(client, reverse("casework:dossier", args=[claim.reference]))
    client.force_login(cast.coordinator)
    dossier = client.get(reverse("casework:dossier", args=[claim.reference])).content.decode()
    assert page_url(claim) in dossier  # the link on the dossier

    response = client.get(page_url(claim))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wie heeft deze zaak ingezien" in body
    assert cast.caseworker.username in body and "Zaakbegeleider" in body
    assert IP in body and "Zaak geopend" in body
    # Newest first: the coordinator's own opening of the dossier above the guide's.
    assert [row.user for row in response.context["page"].object_list] == [cast.coordinator, cast.caseworker]


def test_a_guide_gets_403_and_no_link(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(cast.caseworker)
    assert page_url(claim) not in client.get(reverse("casework:dossier", args=[claim.reference])).content.decode()
    assert client.get(page_url(claim)).status_code == 403


def test_someone_who_cannot_see_the_claim_gets_404(client, cast):
    claim = claim_in(cast, "intake")
    for user in (UserFactory(role=R.CASEWORKER), resident()[0], cast.finance, cast.expert):
        client.force_login(user)
        assert client.get(page_url(claim)).status_code == 404
    client.force_login(cast.coordinator)
    assert client.get(reverse("casework:dossier_access_log", args=["MS-2026-999999"])).status_code == 404


def test_the_page_runs_the_same_queries_with_3_and_with_120_rows(client, cast):
    claim = claim_in(cast, "intake")
    others = [cast.caseworker, cast.expert, cast.decision_maker, UserFactory(role=R.CASEWORKER)]
    client.force_login(cast.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url(claim)).status_code == 200
        return len(queries)

    for user in others[:3]:
        log(claim, user, 1)
    small = count()
    for user in others:
        log(claim, user, 30)
    big = count()
    assert small == big
    response = client.get(page_url(claim))
    assert response.context["page"].paginator.num_pages == 3
    assert len(response.context["page"].object_list) == 50


# --- the admin is a way in too ---------------------------------------------------------------------------------

def test_opening_records_in_the_admin_is_recorded(client, cast, media):
    claim = claim_in(cast, "inspection")
    document = photo(claim, cast.resident)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    viewed = AccessLog.Action.ADMIN_VIEWED

    assert get(client, reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 200
    first = only_row(user=admin_user, claim=claim, action=viewed, detail=f"claims.Claim {claim.pk}")

    opened = [
        (reverse("admin:claims_person_change", args=[cast.person.pk]), None, None),
        (reverse("admin:claims_document_change", args=[document.pk]), claim, document),
        (reverse("admin:claims_damageitem_change", args=[claim.damage_items.first().pk]), claim, None),
        (reverse("admin:claims_claim_changelist") + "?q=Heerlen", None, None),
        (reverse("admin:claims_person_changelist"), None, None),
    ]
    for url, _claim, _document in opened:
        assert get(client, url).status_code == 200, url
    rows = list(AccessLog.objects.filter(pk__gt=first.pk).order_by("pk"))
    assert [(r.action, r.claim, r.document, r.user) for r in rows] == [
        (viewed, c, d, admin_user) for _url, c, d in opened]
    assert [r.detail for r in rows[3:]] == ["claims.Claim list ?q=Heerlen", "claims.Person list"]
    assert all(r.ip_address == IP for r in rows)


def test_the_admin_records_nothing_it_did_not_show(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(UserFactory(is_staff=True))  # staff without any admin permission: 403, nothing shown
    assert get(client, reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert get(client, reverse("admin:claims_claim_change", args=[999999])).status_code == 302  # no such claim
    assert get(client, reverse("admin:claims_statutoryholiday_changelist")).status_code == 200  # no personal data
    assert not AccessLog.objects.exists()


def test_a_staff_account_without_a_role_is_recorded_in_the_admin(client, cast):
    """Admin access is given by is_staff and model permissions, not by a role: such a reader is staff too."""
    from django.contrib.auth.models import Permission

    claim = claim_in(cast, "intake")
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_claim"))
    client.force_login(user)
    assert get(client, reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 200
    only_row(user=user, claim=claim, action=AccessLog.Action.ADMIN_VIEWED)
