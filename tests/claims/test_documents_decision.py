"""Downloads after the decision (issue 5): the letters about the decision, the objection and the payment are the
resident's (owner, co-owner, representative); finance gets only the letters that set the amount and the payment
letter; the commission and the decision maker read the dossier while it is theirs to review; anyone else: 404."""

import hashlib
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims import roles as R
from claims.models import Document, DocumentKind, Letter, LetterKind, Mandate, Recusal
from claims.timeutil import today
from tests.factories import Cast, UserFactory, claim_in, resident

pytestmark = pytest.mark.django_db
_unique = itertools.count(1)


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def stored(claim, kind, *, by=None, letter_kind="") -> Document:
    data = f"{kind} {letter_kind} {next(_unique)}".encode()
    document = Document(claim=claim, kind=kind, letter_kind=letter_kind, title=f"{kind} {letter_kind}".strip(),
                        original_name=f"{kind}.pdf", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                        content_type="application/pdf", uploaded_by=by)
    document.file.save(document.sha256, SimpleUploadedFile("x", data), save=False)
    document.save()
    return document


def letter_document(claim, kind) -> Document:
    document = stored(claim, DocumentKind.LETTER, letter_kind=kind)
    existing = claim.letters.filter(kind=kind, document__isnull=True).first()
    if existing is not None:
        Letter.objects.filter(pk=existing.pk).update(status="ready", document=document)
    else:
        Letter.objects.create(claim=claim, kind=kind, key=f"t:{kind}:{next(_unique)}", recipient=claim.applicant,
                              status="ready", document=document)
    return document


class World:
    """A claim decided, objected to, decided again (well-founded) and now being paid, with every letter of it."""

    def __init__(self) -> None:
        cast = self.cast = Cast()
        co_user, co_person = resident()
        rep_user, rep_person = resident()
        self.users = {
            "owner": cast.resident,
            "co_owner": co_user,
            "representative": rep_user,
            "other_resident": resident()[0],
            "finance": cast.finance,
            "caseworker": cast.caseworker,
            "coordinator": cast.coordinator,
            "commission": cast.commission,  # the claim left the commission: nothing any more
            "decision_maker": cast.decision_maker,  # decided: not theirs any more
            "expert": cast.expert,
        }
        Mandate.objects.create(principal=cast.person, representative=rep_person, scope=Mandate.Scope.ALL,
                               valid_from=today())
        claim = self.claim = claim_in(cast, "decided")
        claim.co_applicants.add(co_person)
        self.documents = {
            "decision": letter_document(claim, LetterKind.DECISION),
            "photo": stored(claim, DocumentKind.PHOTO, by=cast.resident),
            "expert_photo": stored(claim, DocumentKind.PHOTO, by=cast.expert),
            "advice_report": stored(claim, DocumentKind.ADVICE_REPORT, by=cast.expert),
        }
        cast.fire(claim, "file_objection")
        self.documents["objection_received"] = letter_document(claim, LetterKind.OBJECTION_RECEIVED)
        self.documents["objection_paper"] = stored(claim, DocumentKind.OBJECTION, by=cast.resident)
        cast.fire(claim, "decide_objection", reason="Gegrond.", well_founded=True, awarded_amount=Decimal("6000"))
        self.documents["objection_decision"] = letter_document(claim, LetterKind.OBJECTION_DECISION)
        self.documents["payment"] = letter_document(claim, LetterKind.PAYMENT)
        claim.refresh_from_db()
        assert claim.status == "settlement"


@pytest.fixture
def world():
    return World()


def status(client, user, document) -> int:
    client.force_login(user)
    return client.get(reverse("claims:document_download", args=[document.pk])).status_code


RESIDENT_LETTERS = ("decision", "objection_received", "objection_decision", "payment")


@pytest.mark.parametrize("who", ["owner", "co_owner", "representative"])
def test_the_resident_parties_download_every_letter_about_the_decision(client, world, who):
    answers = {kind: status(client, world.users[who], world.documents[kind]) for kind in RESIDENT_LETTERS}
    assert answers == dict.fromkeys(RESIDENT_LETTERS, 200)
    # ... and what they sent, but never the expert's working files.
    assert status(client, world.users[who], world.documents["objection_paper"]) == 200
    assert status(client, world.users[who], world.documents["expert_photo"]) == 404


def test_another_resident_gets_nothing(client, world):
    other = world.users["other_resident"]
    assert {kind: status(client, other, d) for kind, d in world.documents.items()} == dict.fromkeys(
        world.documents, 404)


# Finance: payment data only (DESIGN.md), i.e. the letters that set the amount and the payment letter.
FINANCE = {
    "decision": 200, "objection_decision": 200, "payment": 200,
    "objection_received": 404, "photo": 404, "expert_photo": 404, "advice_report": 404, "objection_paper": 404,
}


def test_finance_gets_the_letters_that_set_the_amount_and_nothing_else(client, world):
    finance = world.users["finance"]
    assert {kind: status(client, finance, world.documents[kind]) for kind in FINANCE} == FINANCE


def test_finance_sees_nothing_of_a_claim_without_an_award(client):
    cast = Cast()
    claim = claim_in(cast, "decision_pending")
    cast.fire(claim, "decide", outcome="rejected", awarded_amount=0)
    decision = letter_document(claim, LetterKind.DECISION)
    assert status(client, cast.finance, decision) == 404
    assert status(client, cast.resident, decision) == 200


@pytest.mark.parametrize("who", ["commission", "decision_maker"])
def test_the_reviewers_see_nothing_once_the_claim_has_left_them(client, world, who):
    user = world.users[who]
    assert {kind: status(client, user, d) for kind, d in world.documents.items()} == dict.fromkeys(
        world.documents, 404)


def test_staff_who_keep_the_claim_still_download_everything(client, world):
    for who in ("caseworker", "coordinator"):
        assert {kind: status(client, world.users[who], d) for kind, d in world.documents.items()} == dict.fromkeys(
            world.documents, 200), who


def test_the_commission_reads_the_dossier_under_review_unless_recused(client):
    cast = Cast()
    claim = claim_in(cast, "commission_review")
    documents = [stored(claim, DocumentKind.PHOTO, by=cast.expert), stored(claim, DocumentKind.ADVICE_REPORT,
                                                                            by=cast.expert),
                 stored(claim, DocumentKind.RESPONSE, by=cast.resident)]
    recused = UserFactory(role=R.COMMISSION)
    Recusal.objects.create(claim=claim, member=recused, ground=Recusal.Ground.NEIGHBOUR, explanation="Buurman.")
    assert [status(client, cast.commission, d) for d in documents] == [200, 200, 200]
    assert [status(client, recused, d) for d in documents] == [404, 404, 404]
    assert [status(client, cast.finance, d) for d in documents] == [404, 404, 404]


def test_the_decision_maker_reads_the_dossier_while_deciding_and_on_objection(client):
    cast = Cast()
    claim = claim_in(cast, "decision_pending")
    report = stored(claim, DocumentKind.ADVICE_REPORT, by=cast.expert)
    assert status(client, cast.decision_maker, report) == 200
    cast.fire(claim, "decide")
    assert status(client, cast.decision_maker, report) == 404
    cast.fire(claim, "file_objection")
    objection = stored(claim, DocumentKind.OBJECTION, by=cast.resident)
    assert status(client, cast.objection_handler, objection) == 200
    assert status(client, cast.objection_handler, report) == 200


def test_someone_who_is_finance_and_resident_gets_both_rules_not_more(client, world):
    """Roles add up: finance's letters of claims in payment, and their own claims' documents as a resident."""
    user, person = resident()
    user.groups.add(Group.objects.get(name=R.FINANCE))
    own = claim_in(Cast(), "intake")  # a claim of their own, as a resident
    own.co_applicants.add(person)
    own_photo = stored(own, DocumentKind.PHOTO, by=user)
    assert status(client, user, world.documents["payment"]) == 200
    assert status(client, user, world.documents["photo"]) == 404
    assert status(client, user, own_photo) == 200
