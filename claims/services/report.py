"""The online damage report (/melden/): a resident fills in a draft step by step and sends it.

Every function works on the resident's own draft only, under a row lock, so a step saved in a second tab
after the report was sent cannot change a submitted claim. Sending is the `submit` transition itself.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext_lazy as _

from ..errors import FORBIDDEN, TransitionForbidden, TransitionRefused
from ..models import Channel, Claim, DamageItem, Mandate, Person, Property
from ..states import State
from ..timeutil import today
from .filing import claim_create_draft
from .lifecycle import claim_transition
from .steps import lock

# The steps of the report in order; `Claim.report_step` holds the furthest one the resident saved.
REPORT_STEPS = ("woning", "eigendom", "gemachtigde", "schade", "veiligheid", "controle")
MAX_PHOTOS_PER_ITEM = 5

NOT_A_DRAFT = _("Deze melding is al verstuurd. U kunt hem hier niet meer wijzigen.")
NO_PERSON = _("Bij uw account horen nog geen persoonsgegevens. Bel ons, dan helpen wij u verder.")
REPORT_NOT_DONE = _("Beantwoord eerst alle vragen van het meldformulier. Daarna kunt u de melding versturen.")
NO_DAMAGE = _("Beschrijf ten minste één schade voordat u verdergaat.")
ITEM_HAS_PHOTOS = _(
    "Deze schade heeft foto's. Foto's bewaren wij altijd, daarom kunt u deze schade niet verwijderen. "
    "Klopt er iets niet? Pas de omschrijving aan of bel ons."
)


@dataclass(frozen=True)
class Address:
    postcode: str  # normalised, e.g. 6411AB
    house_number: int
    house_number_addition: str
    street: str
    town: str
    municipality: str


@dataclass(frozen=True)
class CoOwner:
    name: str
    email: str = ""


@dataclass(frozen=True)
class RefusedFile:
    """A photo that was not stored, and why, in words for the resident."""

    name: str
    message: str


# --- helpers -------------------------------------------------------------------------------------------

def _person_of(actor) -> Person:
    person = Person.objects.filter(user=actor).first() if actor is not None else None
    if person is None:
        raise TransitionForbidden(NO_PERSON, code="no_person")
    return person


def _editable(claim: Claim, actor) -> Claim:
    """The claim, locked and fresh, if it is still a draft of this resident; call inside a transaction."""
    claim = lock(claim)
    if actor is None or claim.applicant.user_id != actor.pk:
        raise TransitionForbidden(FORBIDDEN, code="forbidden")
    if claim.status != State.DRAFT:
        raise TransitionRefused(NOT_A_DRAFT, code="not_draft")
    return claim


def _reach(claim: Claim, step: str) -> None:
    """Moves the saved step forward, never back: editing an earlier step keeps the progress made."""
    done = REPORT_STEPS.index(claim.report_step) if claim.report_step in REPORT_STEPS else -1
    if REPORT_STEPS.index(step) > done:
        claim.report_step = step


def _save(claim: Claim, step: str, *fields: str) -> Claim:
    _reach(claim, step)
    claim.save(update_fields=[*fields, "report_step", "updated_at"])
    return claim


def report_resume_step(claim: Claim) -> str:
    """Where a draft goes on: the step after the last one saved."""
    if claim.report_step not in REPORT_STEPS:
        return REPORT_STEPS[0]
    return REPORT_STEPS[min(REPORT_STEPS.index(claim.report_step) + 1, len(REPORT_STEPS) - 1)]


def _property_for(address: Address) -> Property:
    """One Property per address: an existing one is reused as it is (staff may have checked it)."""
    prop = Property(
        postcode=address.postcode, house_number=address.house_number,
        house_number_addition=address.house_number_addition, street=address.street, town=address.town,
        municipality=address.municipality,
    )
    prop.full_clean(validate_unique=False, validate_constraints=False)
    prop, _created = Property.objects.get_or_create(
        postcode=prop.postcode, house_number=prop.house_number, house_number_addition=prop.house_number_addition,
        defaults={"street": prop.street, "town": prop.town, "municipality": prop.municipality},
    )
    return prop


def _same_address(prop: Property, address: Address) -> bool:
    return (prop.postcode, prop.house_number, prop.house_number_addition) == (
        address.postcode, address.house_number, address.house_number_addition)


# --- the steps -----------------------------------------------------------------------------------------

@transaction.atomic
def report_start(*, actor, address: Address) -> Claim:
    """Step 1 for a new report: the address. The draft exists from here on."""
    person = _person_of(actor)
    claim = claim_create_draft(property=_property_for(address), applicant=person, filed_by=actor,
                               channel=Channel.ONLINE)
    return _save(claim, "woning")


@transaction.atomic
def report_save_property(*, claim: Claim, actor, address: Address) -> Claim:
    """Step 1 again: a corrected address. Only a home no other claim refers to takes the new details."""
    claim = _editable(claim, actor)
    current = claim.property
    if _same_address(current, address):
        if not Claim.objects.filter(property=current).exclude(pk=claim.pk).exists():
            current.street, current.town, current.municipality = address.street, address.town, address.municipality
            current.full_clean(validate_unique=False, validate_constraints=False)
            current.save()
    else:
        claim.property = _property_for(address)
    return _save(claim, "woning", "property")


@transaction.atomic
def report_save_ownership(*, claim: Claim, actor, owner_occupied: bool, in_owners_association: bool,
                          co_owners: list[CoOwner]) -> Claim:
    """Step 2: does the resident own and live in the home, VvE, and who else owns it.

    Co-owners always become new Person rows without an account: an e-mail address typed by someone else
    must never link a claim to an existing account (that would show this dossier to a stranger).
    """
    claim = _editable(claim, actor)
    claim.owner_occupied = owner_occupied
    claim.in_owners_association = in_owners_association
    wanted = [CoOwner(name=c.name.strip(), email=c.email.strip().lower()) for c in co_owners if c.name.strip()]
    present = list(claim.co_applicants.filter(user__isnull=True))
    keep = []
    for co_owner in wanted:
        match = next((p for p in present if p.name == co_owner.name and p.email == co_owner.email), None)
        if match is not None:
            present.remove(match)
            keep.append(match)
        else:
            keep.append(Person.objects.create(name=co_owner.name, email=co_owner.email))
    # People with an account stay: only staff add those, and the resident does not see them here.
    claim.co_applicants.set([*keep, *claim.co_applicants.filter(user__isnull=False)])
    _forget(present)
    return _save(claim, "eigendom", "owner_occupied", "in_owners_association")


def _forget(people: list[Person]) -> None:
    """Deletes people this report created and nothing else refers to any more (minimal personal data)."""
    for person in people:
        if (person.user_id or person.co_claims.exists() or person.mandates_given.exists()
                or person.mandates_held.exists() or person.properties.exists() or person.access_codes.exists()):
            continue
        try:
            with transaction.atomic():
                person.delete()
        except ProtectedError:  # an applicant or a letter's recipient: kept
            pass


def report_representative(claim: Claim) -> Mandate | None:
    return (Mandate.objects.filter(claim=claim, scope=Mandate.Scope.CLAIM, principal=claim.applicant)
            .select_related("representative").order_by("pk").first())


@transaction.atomic
def report_save_representative(*, claim: Claim, actor, name: str, email: str = "", phone: str = "") -> Claim:
    """Step 3 (optional): a representative for this claim. Empty name: no representative."""
    claim = _editable(claim, actor)
    mandate = report_representative(claim)
    name, email, phone = name.strip(), email.strip().lower(), phone.strip()
    if not name:
        if mandate is not None:
            representative = mandate.representative
            mandate.delete()
            _forget([representative])
        return _save(claim, "gemachtigde")
    if mandate is not None and mandate.representative.user_id is None:
        person = mandate.representative
        person.name, person.email, person.phone = name, email, phone
        person.full_clean()
        person.save()
    else:
        person = Person(name=name, email=email, phone=phone)
        person.full_clean()
        person.save()
        if mandate is not None:
            mandate.delete()
        Mandate.objects.create(principal=claim.applicant, representative=person, scope=Mandate.Scope.CLAIM,
                               claim=claim, valid_from=today())
    return _save(claim, "gemachtigde")


@transaction.atomic
def report_add_damage_item(*, claim: Claim, actor, location: str, kind: str, description: str,
                           noticed_on: dt.date | None = None, measurements: str = "") -> DamageItem:
    """Step 4: one damage item. Photos follow with `report_attach_photos`, each on its own."""
    claim = _editable(claim, actor)
    last = claim.damage_items.aggregate(last=Max("position"))["last"] or 0
    item = DamageItem(claim=claim, position=last + 1, location=location.strip(), kind=kind,
                      description=description.strip(), noticed_on=noticed_on, measurements=measurements.strip())
    item.full_clean()
    item.save()
    claim.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def report_update_damage_item(*, item: DamageItem, actor, location: str, kind: str, description: str,
                              noticed_on: dt.date | None = None, measurements: str = "") -> DamageItem:
    _editable(item.claim, actor)
    item = DamageItem.objects.select_for_update().get(pk=item.pk)
    item.location, item.kind, item.description = location.strip(), kind, description.strip()
    item.noticed_on, item.measurements = noticed_on, measurements.strip()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def report_remove_damage_item(*, item: DamageItem, actor) -> None:
    """Removes an item without photos; the numbers of the others close up so the list reads 1, 2, 3."""
    claim = _editable(item.claim, actor)
    if item.documents.exists():
        raise TransitionRefused(ITEM_HAS_PHOTOS, code="item_has_photos")
    item.delete()
    for position, other in enumerate(claim.damage_items.order_by("position", "pk"), start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


def report_attach_photos(*, item: DamageItem, actor, photos: list) -> list[RefusedFile]:
    """Stores each photo on its own, so one refused file never costs the others or the item's text."""
    from ..uploads import UploadRefused, store_upload  # built alongside; imported late so pages load without it

    with transaction.atomic():
        claim = _editable(item.claim, actor)
    refused = []
    for photo in photos:
        try:
            store_upload(claim=claim, file=photo, kind="photo", actor=actor, damage_item=item)
        except UploadRefused as error:
            refused.append(RefusedFile(name=getattr(photo, "name", ""), message=str(error.message)))
    return refused


@transaction.atomic
def report_finish_damage(*, claim: Claim, actor) -> Claim:
    """Step 4 done: at least one item is needed to go on."""
    claim = _editable(claim, actor)
    if not claim.damage_items.exists():
        raise TransitionRefused(NO_DAMAGE, code="no_damage")
    return _save(claim, "schade")


@transaction.atomic
def report_save_safety(*, claim: Claim, actor, urgent: bool) -> Claim:
    """Step 5: an acutely unsafe situation flags the claim; submitting then alerts the coordinators."""
    claim = _editable(claim, actor)
    claim.urgent = urgent
    return _save(claim, "veiligheid", "urgent")


@transaction.atomic
def report_submit(*, claim: Claim, actor) -> Claim:
    """Step 6: send the report. The `submit` transition starts the decision term and the receipt letter."""
    claim = _editable(claim, actor)
    if report_resume_step(claim) != "controle":
        # Every question of the report is asked before it is sent, in the pages and through the API alike.
        raise TransitionRefused(REPORT_NOT_DONE, code="step_not_reached")
    _save(claim, "controle")
    return claim_transition(claim=claim, name="submit", actor=actor)
