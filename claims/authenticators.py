"""The second factor's devices (django-otp): an authenticator app (TOTP) and ten backup codes (static tokens).

Setting up: `authenticator_start` makes an unconfirmed device whose key the person puts in their app;
`authenticator_confirm` checks the first code, confirms it and makes new backup codes. Logging in:
`code_verify` accepts the app's code or one backup code (used up at once). Both devices are throttled by
django-otp: after a wrong code the next try must wait 1, 2, 4, ... seconds."""

import math
import re
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
BACKUP_DEVICE_NAME = "backup"
# What a person may type between the characters: spaces and dashes (as the codes are shown in groups).
_SEPARATORS = re.compile(r"[\s-]+")


class CodeRefused(Exception):  # noqa: N818 (a refusal with a message, like AccountRefused)
    """A code that was not accepted, with a sentence a person understands."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class BackupCodes:
    device: StaticDevice
    codes: list[str]


def authenticator_of(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def authenticator_start(*, user, device_id: int | None = None) -> TOTPDevice:
    """The unconfirmed device of this setup (the same one on a reload, so the QR code stays valid), or a new one.
    Older unfinished setups are removed: only the key on the screen now can be confirmed."""
    pending = TOTPDevice.objects.filter(user=user, confirmed=False)
    if device_id is not None:
        device = pending.filter(pk=device_id).first()
        if device is not None:
            return device
    pending.delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def authenticator_confirm(*, user, device_id: int, code: str) -> BackupCodes:
    """The first code from the app proves the key arrived; the device becomes the person's authenticator (any
    older one is removed) and ten new backup codes replace the old ones."""
    token = _normalised(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False, pk=device_id).first()
        if device is None:
            raise CodeRefused("no_setup", str(_("Deze instelling is verlopen. Begin opnieuw.")))
        _ensure_allowed(device)
        accepted = token.isdigit() and device.verify_token(token)
    if not accepted:
        raise CodeRefused("wrong", str(_("Deze code klopt niet. Typ de 6 cijfers die uw app nu laat zien.")))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return backup_codes_renew(user=user)


@transaction.atomic
def backup_codes_renew(*, user) -> BackupCodes:
    """Ten new backup codes; the old ones stop working. Only the person sees these, once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return BackupCodes(device=device, codes=codes)


@transaction.atomic
def second_factor_remove(*, user) -> int:
    """Switch the second step off: the app and the backup codes stop working. Returns how many devices went."""
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    static_removed, _details = StaticDevice.objects.filter(user=user).delete()
    return removed + static_removed


def code_verify(*, user, code: str) -> Device:
    """The device that accepts this code: the app's 6 digits, or a backup code (8 letters and digits, used up).
    Raises CodeRefused ("wrong", "throttled")."""
    token = _normalised(code)
    if token.isdigit():
        model = TOTPDevice
    else:
        model, token = StaticDevice, token.lower()
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is not None:
            _ensure_allowed(device)
            accepted = device.verify_token(token)  # counts a failure for the throttle; kept when we raise below
    if device is None or not accepted:
        raise CodeRefused("wrong", str(_("Deze code klopt niet. Kijk in uw app en typ de 6 cijfers die u nu ziet. "
                                         "Of typ een van uw reservecodes.")))
    return device


def backup_code_display(code: str) -> str:
    """A backup code in two groups of four, easier to copy by hand: "abcd efgh"."""
    return f"{code[:4]} {code[4:]}"


def secret_display(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalised(code: str) -> str:
    return _SEPARATORS.sub("", code or "")


def _ensure_allowed(device: Device) -> None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return
    until = (details or {}).get("locked_until")
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    raise CodeRefused("throttled", ngettext(
        "Te veel pogingen. Wacht even en probeer het over %(seconds)d seconde opnieuw.",
        "Te veel pogingen. Wacht even en probeer het over %(seconds)d seconden opnieuw.",
        seconds) % {"seconds": seconds})
