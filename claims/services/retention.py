"""Retention (issue 7, item 4; AVG art. 5(1)(e)): the personal data of claims closed longer than the retention
period is removed; the figures stay for statistics, and an AnonymisationRecord says that it was done.

What goes: names, e-mail addresses, phone numbers and postal addresses of the people; the street, house number
and postcode letters of the home; every free text (descriptions, notes, calls, handovers, messages, zienswijzen,
objections, reasonings, safety findings, the toelichting of each step); uploaded files and the letters' PDFs
(from storage; the Document rows stay, with kind, date, size and type); letter contents; IBAN and account
holder; e-mails; mandates; the resident's account (made unusable).
What stays: status, every date and deadline, the transitions (who on the staff side did which step when), the
amounts claimed, advised, decided and paid, the damage items' kinds, verdicts and amounts, the municipality,
town and the postcode's four digits (a PC4 area holds thousands of addresses, as in CBS statistics; the letters
narrow it to a street side), the build year by decade, channel, urgency and priority, and the outcomes of
decisions and objections.

A person, or a home, that another claim still needs keeps their data; they are anonymised with the last of
their claims. Each claim is its own short transaction with its row locked (`skip_locked`: a claim someone is
working on waits for the next run), so this is safe while the site is up, and a second run finds nothing.

Append-only rows (ClaimTransition, ClockEvent, Note, Reassignment, Document: their `save` refuses changes) are
changed here and nowhere else, through `_redact`, a queryset update: it only ever blanks text, never the who,
what or when, and the AnonymisationRecord written in the same transaction says that it happened. The history
stays true (that step happened, then, by that person); only what the resident and staff wrote about the
resident goes. AccessLog rows are left alone: they hold which staff member looked when, not resident data.

The staff side's records (casework) are cleared by a receiver of `claim_anonymising`: claims never imports
casework (DESIGN.md).
"""

import datetime as dt
import logging
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .. import roles, timeutil
from ..letters import MAX_ATTEMPTS as LETTER_MAX_ATTEMPTS
from ..models import (
    AccessCode,
    AnonymisationCategory,
    AnonymisationRecord,
    Claim,
    ClaimTransition,
    ClockEvent,
    ClockEventKind,
    DamageItem,
    Document,
    Letter,
    Mandate,
    Message,
    OutgoingEmail,
    Payment,
    PaymentBatch,
    Person,
    Property,
    Recusal,
    RetentionRun,
)
from ..states import State

log = logging.getLogger(__name__)
User = get_user_model()
C = AnonymisationCategory

# Stored where a text must stay non-empty (a name, a street; the reason a check constraint asks for).
PLACEHOLDER = _("[geanonimiseerd]")
# PostNL never issues SA, SD or SS (claims/models/property.py), so "6411SS" can never be a real address: it
# marks an anonymised home while the postcode keeps its format (a check constraint) and its four digits.
ANONYMOUS_POSTCODE_LETTERS = "SS"
EMPTY_SHA256 = "0" * 64
# What a transition's `data` keeps: figures and staff ids. Anything else (e.g. a late objection's excuse) goes.
KEPT_TRANSITION_DATA = frozenset({"caseworker", "expert", "reply_days", "planned_for", "outcome", "awarded_amount",
                                  "late", "well_founded"})

# Sent inside the claim's transaction, after the claims side is done and before the record is written.
# Receivers (casework.retention) blank their own rows of `claim` and return {category: rows}. Arguments:
# claim, years, placeholder.
claim_anonymising = Signal()


@dataclass
class ClaimResult:
    reference: str
    closed_at: dt.datetime
    counts: dict[str, int]
    files_deleted: int
    persons_anonymised: int
    property_anonymised: bool


@dataclass
class RetentionReport:
    years: int
    cutoff: dt.datetime
    dry_run: bool
    claims: list[ClaimResult] = field(default_factory=list)
    skipped: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def claims_done(self) -> int:
        return len(self.claims)

    @property
    def persons_done(self) -> int:
        return sum(c.persons_anonymised for c in self.claims)

    @property
    def files_deleted(self) -> int:
        return sum(c.files_deleted for c in self.claims)


# --- which claims ----------------------------------------------------------------------------------------------

def retention_years() -> int:
    return int(settings.MIJNSCHADE_RETENTION["years"])


def retention_cutoff(*, years: int, now: dt.datetime | None = None) -> dt.datetime:
    """`years` calendar years before now (29 February falls back to the 28th)."""
    if years < 1:
        raise ValueError("the retention period is at least one year")
    now = now or timeutil.now()
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _not_anonymised() -> Exists:
    return ~Exists(AnonymisationRecord.objects.filter(claim=OuterRef("pk")))


def expired_claims(*, cutoff: dt.datetime) -> QuerySet[Claim]:
    """Closed claims whose closing (the last step into `closed`; `closed_at` if no step says so) lies before
    `cutoff`, not anonymised yet. A reopened claim is no longer closed; closed again, its new closing counts."""
    closing = (ClaimTransition.objects.filter(claim=OuterRef("pk"), to_state=State.CLOSED)
               .order_by("-created_at", "-pk").values("created_at")[:1])
    return (Claim.objects.filter(status=State.CLOSED).filter(_not_anonymised())
            .annotate(closed_on=Coalesce(Subquery(closing), "closed_at"))
            .filter(closed_on__lt=cutoff))


def _open_claims(*, besides: Claim) -> QuerySet[Claim]:
    """Every claim that still needs its people and home: all but this one and those anonymised already."""
    return Claim.objects.exclude(pk=besides.pk).filter(_not_anonymised())


# --- the run ---------------------------------------------------------------------------------------------------

@contextmanager
def _rolled_back(dry_run: bool) -> Iterator[None]:
    """A dry run does all the work in one transaction and rolls it back (no file is touched): what it reports
    is exactly what a real run would do. A real run commits claim by claim."""
    if not dry_run:
        yield
        return
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def claims_anonymise_expired(*, years: int | None = None, limit: int | None = None, dry_run: bool = False,
                             trigger: str = RetentionRun.Trigger.COMMAND, batch: int | None = None) -> RetentionReport:
    """Anonymises every expired claim (at most `limit`), oldest id first, `batch` ids per query."""
    years = retention_years() if years is None else years
    cutoff = retention_cutoff(years=years)
    batch = batch or int(settings.MIJNSCHADE_RETENTION.get("batch", 100))
    report = RetentionReport(years=years, cutoff=cutoff, dry_run=dry_run)
    with translation.override(settings.LANGUAGE_CODE), _rolled_back(dry_run):
        run = RetentionRun.objects.create(trigger=trigger, years=years, cutoff=cutoff, limit=limit,
                                          started_at=timeutil.now())
        last_pk = 0
        while limit is None or report.claims_done < limit:
            ids = list(expired_claims(cutoff=cutoff).filter(pk__gt=last_pk).order_by("pk")
                       .values_list("pk", flat=True)[:batch])
            if not ids:
                break
            for claim_id in ids:
                last_pk = claim_id
                if limit is not None and report.claims_done >= limit:
                    break
                try:
                    result = claim_anonymise(claim_id=claim_id, cutoff=cutoff, run=run, years=years, dry_run=dry_run)
                except Exception:  # one claim's trouble must not keep the others' data: logged, tried next run
                    log.exception("Retention: claim %s could not be anonymised", claim_id)
                    report.failed.append(str(claim_id))
                    continue
                if result is None:
                    report.skipped += 1
                else:
                    report.claims.append(result)
        RetentionRun.objects.filter(pk=run.pk).update(finished_at=timeutil.now(), skipped=report.skipped,
                                                      failed=len(report.failed))
    return report


def claim_anonymise(*, claim_id: int, cutoff: dt.datetime, run: RetentionRun, years: int,
                    dry_run: bool = False) -> ClaimResult | None:
    """One claim, in its own transaction. None if it is locked by someone else or no longer expired."""
    # Texts written into the rows (the placeholder, the timeline's line) are in the site's language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        claim = (expired_claims(cutoff=cutoff).select_for_update(of=("self",), skip_locked=True)
                 .filter(pk=claim_id).first())
        if claim is None:
            return None
        placeholder = str(PLACEHOLDER)
        counts: Counter[str] = Counter()
        _clear_claim_rows(claim, counts, placeholder=placeholder)
        _clear_history(claim, counts, placeholder=placeholder)
        _clear_letters_and_emails(claim, counts)
        _clear_payment_details(claim, counts)
        for _receiver, answer in claim_anonymising.send(sender=Claim, claim=claim, years=years,
                                                        placeholder=placeholder):
            counts.update(answer or {})
        persons = _anonymise_people(claim, counts, placeholder=placeholder)
        home = _anonymise_home(claim, counts, placeholder=placeholder)
        # Files last: if anything above failed, the rows still point at them and the next run tries again.
        # A file is deleted before the commit; a commit that then fails leaves a claim to finish next run,
        # never a file that nothing refers to.
        files = _delete_files(claim, counts, dry_run=dry_run)
        counts = Counter({k: v for k, v in counts.items() if v})
        AnonymisationRecord.objects.create(
            claim=claim, reference=claim.reference, run=run, closed_at=claim.closed_on,
            anonymised_at=timeutil.now(), categories=sorted(counts), counts=dict(sorted(counts.items())),
            files_deleted=files, persons_anonymised=persons, property_anonymised=home,
        )
        RetentionRun.objects.filter(pk=run.pk).update(
            claims_done=F("claims_done") + 1, persons_done=F("persons_done") + persons,
            files_deleted=F("files_deleted") + files,
        )
        return ClaimResult(reference=claim.reference, closed_at=claim.closed_on, counts=dict(counts),
                           files_deleted=files, persons_anonymised=persons, property_anonymised=home)


# --- the claim's own rows --------------------------------------------------------------------------------------

def _redact(queryset: QuerySet, **changes) -> int:
    """The one way this service rewrites append-only rows (see the module's docstring): a queryset update,
    which their `save` guard does not see. Only text is ever blanked through it."""
    return queryset.update(**changes)


def _text_unless(condition: Q, placeholder: str) -> Case:
    """The placeholder where a check constraint needs text (a priority's reason, a late objection's excuse)."""
    return Case(When(condition, then=Value(placeholder)), default=Value(""))


def _clear_claim_rows(claim: Claim, counts: Counter, *, placeholder: str) -> None:
    Claim.objects.filter(pk=claim.pk).update(
        description="", priority_reason=_text_unless(Q(priority=True), placeholder))
    counts[C.FREE_TEXT] += 1
    counts[C.FREE_TEXT] += DamageItem.objects.filter(claim=claim).update(location="", description="",
                                                                          expert_notes="")
    counts[C.FREE_TEXT] += Message.objects.filter(claim=claim).update(body="", phone="")
    counts[C.FREE_TEXT] += Recusal.objects.filter(claim=claim).update(explanation="")


def _clear_history(claim: Claim, counts: Counter, *, placeholder: str) -> None:
    for pk, reason, data in ClaimTransition.objects.filter(claim=claim).values_list("pk", "reason", "data"):
        kept = {key: value for key, value in (data or {}).items() if key in KEPT_TRANSITION_DATA}
        if reason or kept != (data or {}):
            counts[C.HISTORY] += _redact(ClaimTransition.objects.filter(pk=pk), reason="", data=kept)
    # An extension keeps a reason (check constraint); safety findings, default notices and questions go.
    counts[C.HISTORY] += _redact(ClockEvent.objects.filter(claim=claim).exclude(reason=""),
                                 reason=_text_unless(Q(kind=ClockEventKind.EXTEND), placeholder))


def _clear_letters_and_emails(claim: Claim, counts: Counter) -> None:
    letters = Letter.objects.filter(claim=claim)
    # A letter never made is not made now: its text would come from the blanked data. Out of the sweep's reach.
    letters.exclude(status=Letter.Status.READY).update(status=Letter.Status.FAILED, attempts=LETTER_MAX_ATTEMPTS)
    counts[C.LETTERS] += letters.update(context={}, last_error="")
    emails = OutgoingEmail.objects.filter(claim=claim)
    counts[C.EMAIL] += emails.filter(sent_at=None).delete()[0]  # never to be sent any more
    counts[C.EMAIL] += emails.update(to="", subject="", body="", last_error="")


def _clear_payment_details(claim: Claim, counts: Counter) -> None:
    counts[C.PAYMENT] += Payment.objects.filter(claim=claim).update(iban="", account_holder="")
    batch_ids = sorted(set(Payment.objects.filter(claim=claim, batch__isnull=False).values_list("batch_id", flat=True)))
    if not batch_ids:
        return
    # A SEPA file names every payee in it: it goes with the last of its claims. Locked, so two runs that each
    # finish one of its claims cannot both think the other's is still open.
    list(PaymentBatch.objects.select_for_update().filter(pk__in=batch_ids).order_by("pk").values_list("pk"))
    open_payments = Payment.objects.filter(claim__in=_open_claims(besides=claim))
    done = PaymentBatch.objects.filter(pk__in=batch_ids).exclude(xml="").exclude(
        Exists(open_payments.filter(batch=OuterRef("pk"))))
    counts[C.PAYMENT] += done.update(xml="")


def _delete_files(claim: Claim, counts: Counter, *, dry_run: bool) -> int:
    documents = Document.objects.filter(claim=claim)
    names = [name for name in documents.values_list("file", flat=True) if name]
    counts[C.FILES] += _redact(documents.exclude(file="", title="", original_name=""),
                               title="", original_name="", file="", sha256=EMPTY_SHA256)
    _scrub_admin_log(Document, documents.values_list("pk", flat=True))
    storage = Document._meta.get_field("file").storage
    deleted = 0
    for name in names:
        if storage.exists(name):
            if not dry_run:
                storage.delete(name)
            deleted += 1
    return deleted


def _scrub_admin_log(model, pks) -> None:
    """The admin's change history names each object by its `str()`: a person's name, an address, a title."""
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                            object_id__in=[str(pk) for pk in pks]).update(object_repr=str(PLACEHOLDER))


# --- the people ------------------------------------------------------------------------------------------------

def _party_ids(claim: Claim) -> list[int]:
    """Applicant, co-owners, and their representatives (for this claim, or for all their claims)."""
    parties = {claim.applicant_id, *claim.co_applicants.values_list("pk", flat=True)}
    mandates = Mandate.objects.filter(Q(claim=claim) | Q(scope=Mandate.Scope.ALL, principal_id__in=parties))
    for principal, representative in mandates.values_list("principal_id", "representative_id"):
        parties |= {principal, representative}
    return sorted(parties)


def _still_needed(person_id: int, *, claim: Claim) -> bool:
    """Another claim not yet anonymised names them (applicant, co-owner, owner of its home), or they represent
    someone on such a claim under a mandate still valid."""
    open_claims = _open_claims(besides=claim)
    if open_claims.filter(Q(applicant_id=person_id) | Q(co_applicants__id=person_id)
                          | Q(property__owners__id=person_id)).exists():
        return True
    principal_open = open_claims.filter(Q(applicant_id=OuterRef("principal_id"))
                                        | Q(co_applicants__id=OuterRef("principal_id")))
    valid = Q(valid_until__isnull=True) | Q(valid_until__gte=timeutil.today())
    return Mandate.objects.filter(valid, representative_id=person_id).filter(
        Q(claim__in=open_claims) | (Q(scope=Mandate.Scope.ALL) & Exists(principal_open))
    ).exists()


def _anonymise_people(claim: Claim, counts: Counter, *, placeholder: str) -> int:
    ids = _party_ids(claim)
    # Locked in one order: two runs finishing two claims of one person do not both leave the person as is.
    list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    counts[C.MANDATES] += Mandate.objects.filter(claim=claim).delete()[0]
    return sum(_anonymise_person(person_id=person_id, counts=counts, placeholder=placeholder)
               for person_id in ids if not _still_needed(person_id, claim=claim))


def _anonymise_person(*, person_id: int, counts: Counter, placeholder: str) -> bool:
    """Everything that says who the person was; the row stays (letters and claims point at it). False if
    an earlier claim's run did it already (a representative of two principals)."""
    person = Person.objects.select_related("user").get(pk=person_id)
    if person.name == placeholder and not (person.email or person.phone or person.postal_address):
        return False
    email = person.email
    updated = Person.objects.filter(pk=person_id).update(
        name=placeholder, email="", email_verified_at=None, phone="", postal_address="")
    counts[C.PERSON] += updated
    AccessCode.objects.filter(person_id=person_id).delete()
    counts[C.MANDATES] += Mandate.objects.filter(Q(principal_id=person_id) | Q(representative_id=person_id)).delete()[0]
    person.properties.clear()
    if email:
        mails = OutgoingEmail.objects.filter(to__iexact=email)
        counts[C.EMAIL] += mails.filter(sent_at=None).delete()[0]
        counts[C.EMAIL] += mails.update(to="", subject="", body="", last_error="")
    _scrub_admin_log(Person, [person_id])
    if person.user is not None:
        counts[C.ACCOUNT] += _retire_account(person.user, person_id=person_id)
    return True


def _retire_account(user, *, person_id: int) -> int:
    """The resident's login: unusable for good. A colleague's own account (staff who once claimed) stays;
    only its link to the anonymised person goes."""
    if user.is_staff or user.is_superuser or roles.roles_of(user) & roles.STAFF_ROLES:
        Person.objects.filter(pk=person_id).update(user=None)
        return 0
    from axes.models import AccessAttempt, AccessFailureLog
    from axes.models import AccessLog as LoginLog
    from django_otp import devices_for_user

    names = {value for value in (user.username, user.email) if value}
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    user.username = f"geanonimiseerd-{secrets.token_hex(8)}"
    user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()  # also ends every session: the session hash no longer matches
    user.save(update_fields=["username", "email", "first_name", "last_name", "is_active", "password"])
    if names:
        by_name = Q()
        for name in names:
            by_name |= Q(username__iexact=name)
        for model in (AccessAttempt, AccessFailureLog, LoginLog):
            model.objects.filter(by_name).delete()
    return 1


# --- the home --------------------------------------------------------------------------------------------------

def _anonymise_home(claim: Claim, counts: Counter, *, placeholder: str) -> bool:
    """With the last claim on it: street, number and postcode letters go; municipality, town and the
    postcode's four digits stay, the build year by decade."""
    home = Property.objects.select_for_update().get(pk=claim.property_id)
    if home.postcode.endswith(ANONYMOUS_POSTCODE_LETTERS) or \
            _open_claims(besides=claim).filter(property_id=home.pk).exists():
        return False
    # The row's own id keeps (postcode, number, addition) unique among anonymised homes.
    Property.objects.filter(pk=home.pk).update(
        street=placeholder, house_number=home.pk, house_number_addition="",
        postcode=home.postcode[:4] + ANONYMOUS_POSTCODE_LETTERS, bag_id="",
        build_year=home.build_year // 10 * 10 if home.build_year else None,
    )
    home.owners.clear()
    _scrub_admin_log(Property, [home.pk])
    counts[C.ADDRESS] += 1
    return True
