"""Resident accounts: registration, e-mail verification, activation of a desk-filed claim, preferences.

Codes are stored only as hashes and looked up by hash, so a leaked table gives no usable codes and a
wrong guess reveals nothing. Rate limits are counts of rows already in the database (codes issued,
e-mails queued) over the last hour: simple, shared by every process, and visible in the admin.
Locks are taken in one order, the Person first and then its codes, so two requests never deadlock.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import roles, timeutil
from .models import AccessCode, OutgoingEmail, Person, PreferredChannel
from .outbox import queue_email

User = get_user_model()

VERIFY_VALID = dt.timedelta(hours=72)
ACTIVATION_VALID = dt.timedelta(days=90)
ACTIVATION_MAX_ATTEMPTS = 5
# At most this many e-mails of one kind per person or address per hour: no mailbox bombing through our forms.
MAILS_PER_HOUR = 3
# No 0/O, 1/I/L: a code read from paper and typed by hand must not be misread.
ACTIVATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ACTIVATION_LENGTH = 12

PURPOSE_VERIFY = "verify_email"
PURPOSE_ACCOUNT_EXISTS = "account_exists"
PURPOSE_PASSWORD_RESET = "password_reset"


class AccountRefused(Exception):  # noqa: N818 (a refusal with a message, like TransitionRefused)
    """A request about an account that cannot go ahead; `.message` is a sentence for the person."""

    def __init__(self, message, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


INVALID_ACTIVATION = gettext_lazy(
    "Deze activeringscode klopt niet of is niet meer geldig. Kijk de code op uw brief na. "
    "Lukt het niet? Bel ons of kom langs bij het loket."
)


# --- codes ---------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_activation_code(code: str) -> str:
    """`k7qm 3xpa-9rtw` → `K7QM3XPA9RTW`: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def activation_code_well_formed(code: str) -> bool:
    plain = normalise_activation_code(code)
    return len(plain) == ACTIVATION_LENGTH and all(ch in ACTIVATION_ALPHABET for ch in plain)


def _activation_hashes(code: str) -> list[str]:
    # Keyed (HMAC-SHA256 with SECRET_KEY): a 12-character code has ~59 bits, few enough to brute-force a
    # leaked table of plain SHA-256 hashes on a GPU. Old keys still match, so rotating the key voids nothing.
    plain = normalise_activation_code(code)
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac("claims.accounts.activation", plain, secret=key, algorithm="sha256").hexdigest()
        for key in keys
    ]


def _live(qs):
    return qs.filter(used_at=None, expires_at__gt=timeutil.now())


def _void(qs) -> None:
    """Ends codes early: they expire now (the row stays, as a record)."""
    _live(qs).update(expires_at=timeutil.now())


def _site_url(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def _mails_last_hour(*, to: str, purpose: str) -> int:
    since = timeutil.now() - dt.timedelta(hours=1)
    return OutgoingEmail.objects.filter(to__iexact=to, purpose=purpose, created_at__gte=since).count()


def _email_taken(email: str) -> bool:
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def _verification_send(*, person: Person, activated: bool = False) -> None:
    """Issues a new verification code for the person's e-mail address and e-mails the link."""
    token = secrets.token_urlsafe(32)
    code = AccessCode.objects.create(person=person, purpose=AccessCode.Purpose.VERIFY_EMAIL,
                                     code_hash=_token_hash(token), expires_at=timeutil.now() + VERIFY_VALID)
    link = _site_url(reverse("claims:verify_email", kwargs={"token": token}))
    with translation.override(person.language):
        subject = _("Bevestig uw e-mailadres voor Mijnschade")
        body = render_to_string("claims/accounts/email/verify.txt", {
            "name": person.name, "link": link, "expires_at": code.expires_at, "activated": activated,
        })
    queue_email(to=person.email, subject=subject, body=body, purpose=PURPOSE_VERIFY)


def _account_exists_send(*, email: str, language: str) -> None:
    if _mails_last_hour(to=email, purpose=PURPOSE_ACCOUNT_EXISTS) >= MAILS_PER_HOUR:
        return
    existing = Person.objects.filter(user__isnull=False, user__email__iexact=email).first()
    with translation.override(existing.language if existing else language):
        subject = _("U heeft al een account bij Mijnschade")
        body = render_to_string("claims/accounts/email/account_exists.txt", {
            "login_link": _site_url(reverse("claims:login")),
            "reset_link": _site_url(reverse("claims:password_reset")),
        })
    queue_email(to=email, subject=subject, body=body, purpose=PURPOSE_ACCOUNT_EXISTS)


def _resident_user(*, email: str, password: str) -> User:
    """A new login for a resident: the username is the e-mail address in lower case."""
    user = User(username=email, email=email)
    password_validation.validate_password(password, user=user)
    user.set_password(password)
    with transaction.atomic():  # a savepoint: a twin request that won the race leaves us consistent
        user.save()
    user.groups.add(Group.objects.get(name=roles.RESIDENT))
    roles.forget_roles(user)
    return user


def _channel_fields(*, preferred_channel: str, current: Person | None = None) -> dict:
    """Digital letters need a recorded consent (Awb 2:14); paper clears it. Staying digital keeps the date."""
    if preferred_channel == PreferredChannel.DIGITAL:
        keep = current is not None and current.preferred_channel == PreferredChannel.DIGITAL
        consent = current.digital_consent_at if keep and current.digital_consent_at else timeutil.now()
        return {"preferred_channel": PreferredChannel.DIGITAL, "digital_consent_at": consent}
    return {"preferred_channel": PreferredChannel.PAPER, "digital_consent_at": None}


# --- registration and verification ---------------------------------------------------------------------


@transaction.atomic
def resident_register(*, name: str, email: str, password: str, preferred_channel: str, language: str,
                      privacy_accepted: bool) -> Person | None:
    """Creates the account and its Person and e-mails a verification link.

    An address that already has an account gets a "you already have an account" e-mail instead and
    the result is None; the caller shows the same page either way, so the form reveals nothing.
    """
    if not privacy_accepted:
        raise AccountRefused(_("Zonder uw toestemming kunnen wij geen account maken."), code="no_consent")
    email = email.strip().lower()
    if _email_taken(email):
        make_password(password)  # as slow as a real registration: the response time reveals nothing either
        _account_exists_send(email=email, language=language)
        return None
    try:
        user = _resident_user(email=email, password=password)
    except IntegrityError:  # registered a moment ago by a twin request
        _account_exists_send(email=email, language=language)
        return None
    person = Person.objects.create(user=user, name=name.strip(), email=email, language=language,
                                   privacy_accepted_at=timeutil.now(),
                                   **_channel_fields(preferred_channel=preferred_channel))
    _verification_send(person=person)
    return person


def email_verification_pending(user) -> bool:
    """A resident who set out to prove their e-mail address (registration, activation) and has not yet.

    Accounts made by staff or the demo never got a verification code and are not held back.
    """
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is None or person.email_verified_at is not None:
        return False
    return person.access_codes.filter(purpose=AccessCode.Purpose.VERIFY_EMAIL).exists()


def verification_code_check(*, token: str, lock: bool = False) -> AccessCode:
    """The verification code behind a link, if it can still be used; else AccountRefused (no change)."""
    codes = AccessCode.objects.filter(code_hash=_token_hash(token), purpose=AccessCode.Purpose.VERIFY_EMAIL)
    code = codes.first()
    if code is not None and lock:  # two clicks at once: one wins; the person first, as everywhere here
        Person.objects.select_for_update().filter(pk=code.person_id).first()
        code = codes.select_for_update().first()
    person = code.person if code is not None else None
    if person is None or person.user_id is None:
        raise AccountRefused(_("Deze link klopt niet. Kijk of u de hele link uit de e-mail heeft gebruikt."),
                             code="unknown")
    if code.used_at is not None or person.email_verified_at is not None:
        raise AccountRefused(_("Uw e-mailadres is al bevestigd. U kunt inloggen."), code="used")
    if code.expires_at <= timeutil.now():
        raise AccountRefused(_("Deze link is verlopen. Vraag hieronder een nieuwe link aan."), code="expired")
    return code


@transaction.atomic
def email_verify(*, token: str) -> Person:
    """Marks the e-mail address as confirmed and uses up the code. Raises AccountRefused."""
    code = verification_code_check(token=token, lock=True)
    now = timeutil.now()
    code.used_at = now
    code.save(update_fields=["used_at"])
    person = code.person
    person.email_verified_at = now
    person.save(update_fields=["email_verified_at"])
    _void(person.access_codes.filter(purpose=AccessCode.Purpose.VERIFY_EMAIL))
    return person


@transaction.atomic
def verification_resend(*, email: str) -> None:
    """Sends a new link to a resident still waiting for one. Unknown addresses pass in silence."""
    person = (Person.objects.select_for_update(of=("self",))
              .filter(user__isnull=False, user__is_active=True, email__iexact=email.strip(),
                      email_verified_at=None).first())
    if person is None:
        return
    since = timeutil.now() - dt.timedelta(hours=1)
    if person.access_codes.filter(purpose=AccessCode.Purpose.VERIFY_EMAIL, created_at__gte=since).count() \
            >= MAILS_PER_HOUR:
        return
    _verification_send(person=person)


# --- activation of a claim filed at the desk -----------------------------------------------------------


def _activation_format(plain: str) -> str:
    return "-".join(plain[i:i + 4] for i in range(0, ACTIVATION_LENGTH, 4))


@transaction.atomic
def activation_code_issue(*, person: Person) -> str:
    """A new activation code for the paper receipt; returns the plaintext once, like `K7QM-3XPA-9RTW`.

    Only its keyed hash is stored. One active code per person: older ones are voided.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise AccountRefused(_("Deze persoon heeft al een account."), code="has_account")
    _void(person.access_codes.filter(purpose=AccessCode.Purpose.ACTIVATE))
    plain = "".join(secrets.choice(ACTIVATION_ALPHABET) for _position in range(ACTIVATION_LENGTH))
    AccessCode.objects.create(person=person, purpose=AccessCode.Purpose.ACTIVATE,
                              code_hash=_activation_hashes(plain)[0], expires_at=timeutil.now() + ACTIVATION_VALID)
    return _activation_format(plain)


def _activation_miss(*, email: str) -> None:
    """A wrong code counts against the live code of the person whose e-mail address was typed, if any."""
    with transaction.atomic():
        codes = _live(AccessCode.objects.select_for_update(of=("self",)).filter(
            purpose=AccessCode.Purpose.ACTIVATE, person__user=None, person__email__iexact=email.strip()))
        for code in codes:
            code.attempts += 1
            if code.attempts >= ACTIVATION_MAX_ATTEMPTS:
                code.expires_at = timeutil.now()  # void: the paper letter's code no longer works
            code.save(update_fields=["attempts", "expires_at"])


def account_activate(*, code: str, email: str, password: str, preferred_channel: str, language: str,
                     privacy_accepted: bool) -> User:
    """Creates the login for the Person of a desk-filed claim, proven by the code on the paper receipt.

    The code proves possession of the letter, so the caller may log the resident in at once. The e-mail
    address is not proven yet: a verification e-mail goes out, and later logins wait for it.
    Raises AccountRefused: `invalid` (one message for every kind of wrong code) or `email_taken`.
    """
    if not privacy_accepted:
        raise AccountRefused(_("Zonder uw toestemming kunnen wij geen account maken."), code="no_consent")
    email = email.strip().lower()
    matching = _live(AccessCode.objects.filter(
        code_hash__in=_activation_hashes(code), purpose=AccessCode.Purpose.ACTIVATE,
        attempts__lt=ACTIVATION_MAX_ATTEMPTS))
    with transaction.atomic():
        person_id = matching.values_list("person_id", flat=True).first()
        if person_id is not None:
            person = Person.objects.select_for_update().get(pk=person_id)  # the person first, then the code
            access = matching.select_for_update().first()  # still live now that we hold the lock?
            if access is not None and person.user_id is None:
                return _activate(access=access, person=person, email=email, password=password,
                                 preferred_channel=preferred_channel, language=language)
    # Outside the transaction above: the counted attempt must stay even though we refuse.
    _activation_miss(email=email)
    raise AccountRefused(INVALID_ACTIVATION, code="invalid")


def _activate(*, access: AccessCode, person: Person, email: str, password: str, preferred_channel: str,
              language: str) -> User:
    if _email_taken(email):
        raise AccountRefused(
            _("Er is al een account met dit e-mailadres. Kies een ander e-mailadres, of log in met dat account."),
            code="email_taken",
        )
    try:
        user = _resident_user(email=email, password=password)
    except IntegrityError as error:
        raise AccountRefused(_("Er is al een account met dit e-mailadres."), code="email_taken") from error
    now = timeutil.now()
    access.used_at = now
    access.save(update_fields=["used_at"])
    if email != person.email.lower():
        person.email_verified_at = None
    person.user, person.email, person.language = user, email, language
    person.privacy_accepted_at = now
    for field, value in _channel_fields(preferred_channel=preferred_channel, current=person).items():
        setattr(person, field, value)
    person.save()
    if person.email_verified_at is None:
        _verification_send(person=person, activated=True)
    return user


# --- password reset ------------------------------------------------------------------------------------


def password_reset_email_queue(*, user, uid: str, token: str) -> OutgoingEmail | None:
    """The reset link through the outbox, in the resident's language; at most 3 an hour per address."""
    if _mails_last_hour(to=user.email, purpose=PURPOSE_PASSWORD_RESET) >= MAILS_PER_HOUR:
        return None
    person = Person.objects.filter(user=user).first()
    link = _site_url(reverse("claims:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    with translation.override(person.language if person else translation.get_language()):
        subject = _("Nieuw wachtwoord voor Mijnschade")
        body = render_to_string("claims/accounts/email/password_reset.txt",
                                {"name": person.name if person else user.get_username(), "link": link,
                                 "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)})
    return queue_email(to=user.email, subject=subject, body=body, purpose=PURPOSE_PASSWORD_RESET)


@transaction.atomic
def email_verify_by_password_reset(*, user) -> bool:
    """A completed reset proves the mailbox too: a resident waiting for the check need not wait any longer."""
    person = Person.objects.select_for_update().filter(user=user, email_verified_at=None).first()
    if person is None or person.email.lower() != user.email.lower():
        return False
    person.email_verified_at = timeutil.now()
    person.save(update_fields=["email_verified_at"])
    _void(person.access_codes.filter(purpose=AccessCode.Purpose.VERIFY_EMAIL))
    return True


# --- preferences ---------------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, person: Person, preferred_channel: str, language: str, phone: str = "",
                       postal_address: str = "") -> Person:
    """Letters on paper or digital (consent recorded or cleared), language and contact details."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    for field, value in _channel_fields(preferred_channel=preferred_channel, current=person).items():
        setattr(person, field, value)
    person.language = language
    person.phone = phone.strip()
    person.postal_address = postal_address.strip()
    person.save(update_fields=["preferred_channel", "digital_consent_at", "language", "phone", "postal_address"])
    return person
