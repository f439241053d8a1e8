"""Filing at the desk (loket): a desk employee files and submits a claim on a resident's behalf."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import roles
from ..accounts import activation_code_issue
from ..errors import FORBIDDEN
from ..models import Channel, Claim, DamageItem, DocumentKind, Person, PreferredChannel, Property
from ..selectors import claims_visible_to
from ..timeutil import now
from ..uploads import UploadRefused, clean_display_name, store_upload
from .filing import claim_create_draft
from .lifecycle import claim_transition

DESK_CHANNELS = (Channel.DESK, Channel.PHONE, Channel.POST)


class DeskRefused(Exception):  # noqa: N818 (like TransitionRefused: a refusal, with a message to show)
    def __init__(self, message, *, code: str = "refused") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class PersonInput:
    name: str
    phone: str = ""
    email: str = ""
    postal_address: str = ""
    digital: bool = False  # only when the resident consented, now; the consent moment is recorded
    language: str = "nl"


@dataclass(frozen=True)
class PropertyInput:
    postcode: str  # normalised, 6411AB
    house_number: int
    street: str
    town: str
    municipality: str
    addition: str = ""


@dataclass(frozen=True)
class DamageInput:
    location: str
    kind: str
    description: str


@dataclass(frozen=True)
class DeskFiling:
    claim: Claim
    person_created: bool
    property_created: bool
    # The plaintext activation code, handed out once; only its hash is stored (claims.accounts).
    activation_code: str | None


@dataclass(frozen=True)
class ScanRefusal:
    file_name: str
    message: str


def _new_person(data: PersonInput) -> Person:
    person = Person(
        name=data.name, phone=data.phone, email=data.email, postal_address=data.postal_address,
        language=data.language,
        preferred_channel=PreferredChannel.DIGITAL if data.digital else PreferredChannel.PAPER,
        digital_consent_at=now() if data.digital else None,
    )
    person.full_clean(exclude=["user"])
    person.save()
    return person


def _home(data: PropertyInput) -> tuple[Property, bool]:
    """The address is unique: a home that is already known is used, never entered twice. get_or_create
    also covers two desks entering the same new address at the same moment."""
    return Property.objects.get_or_create(
        postcode=data.postcode, house_number=data.house_number, house_number_addition=data.addition,
        defaults={"street": data.street, "town": data.town, "municipality": data.municipality},
    )


@transaction.atomic
def desk_file_claim(
    *,
    actor,
    channel: str,
    damage_items: Iterable[DamageInput],
    person: Person | None = None,
    new_person: PersonInput | None = None,
    property: Property | None = None,
    new_property: PropertyInput | None = None,
    owner_occupied: bool | None = None,
    in_owners_association: bool = False,
    urgent: bool = False,
    description: str = "",
) -> DeskFiling:
    """Person and home (found or new), a draft with its damage items, then `submit` by the desk employee:
    the decision clock starts, the receipt letter is scheduled and an urgent report alerts the coordinator.
    A resident without an account gets an activation code, so they can follow the claim online later."""
    if not roles.has_role(actor, roles.DESK, roles.COORDINATOR):
        raise DeskRefused(FORBIDDEN, code="forbidden")
    if channel not in DESK_CHANNELS:
        raise DeskRefused(_("Kies hoe de melding binnenkwam: loket, telefoon of post."), code="channel")
    items = list(damage_items)
    if not 1 <= len(items) <= 3:
        raise DeskRefused(_("Beschrijf één tot drie schades."), code="damage_items")
    if (person is None) == (new_person is None):
        raise ValueError("Give either a person or the data for a new one")
    if (property is None) == (new_property is None):
        raise ValueError("Give either a property or the data for a new one")

    person_created = person is None
    if person is None:
        person = _new_person(new_person)
    property_created = False
    if property is None:
        property, property_created = _home(new_property)

    claim = claim_create_draft(property=property, applicant=person, filed_by=actor, channel=channel,
                               urgent=urgent, description=description)
    # The ownership answers decide admissibility later; a "no" is still received and answered.
    claim.owner_occupied = owner_occupied
    claim.in_owners_association = in_owners_association
    claim.save(update_fields=["owner_occupied", "in_owners_association", "updated_at"])
    DamageItem.objects.bulk_create(
        DamageItem(claim=claim, position=position, location=item.location, kind=item.kind,
                   description=item.description)
        for position, item in enumerate(items, start=1)
    )
    claim = claim_transition(claim=claim, name="submit", actor=actor)

    code = activation_code_issue(person=person) if person.user_id is None else None
    return DeskFiling(claim=claim, person_created=person_created, property_created=property_created,
                      activation_code=code)


def desk_attach_scans(*, claim: Claim, files: Iterable[UploadedFile], actor) -> list[ScanRefusal]:
    """Stores each scan on its own, on purpose not in one transaction: a refused file must cost neither the
    claim nor the other scans. Returns the refusals, to show which file must be scanned again."""
    refused = []
    for file in files:
        try:
            store_upload(claim=claim, file=file, kind=DocumentKind.SCAN, actor=actor)
        except UploadRefused as refusal:
            refused.append(ScanRefusal(file_name=clean_display_name(file.name or ""), message=str(refusal.message)))
    return refused


@transaction.atomic
def desk_issue_activation_code(*, claim: Claim, actor) -> str:
    """A new activation code for the applicant of a claim this desk employee may open (e.g. the receipt was
    lost)."""
    if not claims_visible_to(actor).filter(pk=claim.pk).exists():
        raise DeskRefused(FORBIDDEN, code="forbidden")
    person = Person.objects.select_for_update().get(pk=claim.applicant_id)
    if person.user_id is not None:
        raise DeskRefused(_("Deze bewoner heeft al een account. Een activeringscode is niet nodig."),
                          code="has_account")
    return activation_code_issue(person=person)
