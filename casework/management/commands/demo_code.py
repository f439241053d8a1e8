"""`manage.py demo_code <username>`: the code a demo staff login's authenticator app shows now (the second step of
logging in). Works only for the devices `seed_demo` set up for the demo accounts, never for a real person's app."""

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.demo import DEMO_DEVICE_NAME


class Command(BaseCommand):
    help = "Shows the current second-step code of a demo staff login (seed_demo's authenticator)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        device = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE_NAME, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username!r} has no demo authenticator (only seed_demo's staff logins do).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}  (valid for {left} more seconds)")
