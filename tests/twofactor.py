"""Second-factor devices for tests: a confirmed TOTP device and its current code, as an authenticator app shows."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator (made on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the app shows now (or at a given time)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def unused_code(device: TOTPDevice) -> str:
    """A code the app shows that django-otp has not seen yet (it refuses a code twice: `last_t`). The next window is
    within django-otp's tolerance of one step; beyond that, wait as a person would."""
    device.refresh_from_db()
    while True:
        at = time.time()
        step = int((at - device.t0) // device.step)
        if device.last_t < step:
            return totp_code(device, at=at)
        if device.last_t == step:
            return totp_code(device, at=device.t0 + (step + 1) * device.step)
        time.sleep(device.t0 + device.last_t * device.step - at + 0.1)
