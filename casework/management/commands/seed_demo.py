"""`manage.py seed_demo`: loads the demo once (claims.demo, then the staff side in casework.demo) and prints
the demo logins. It lives in casework because casework may use claims, never the reverse."""

import os

from django.core.management.base import BaseCommand, CommandError

from casework.demo import seed_casework_demo
from claims import demo
from claims.states import State


class Command(BaseCommand):
    help = ("Loads demo users, teams and claims, each with a history through the real lifecycle services. "
            "Does nothing when demo claims exist already.")

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=demo.DEFAULT_CLAIMS,
                            help=f"number of demo claims (default {demo.DEFAULT_CLAIMS})")

    def handle(self, *args, claims: int, **options):
        if claims < demo.MIN_CLAIMS:
            raise CommandError(f"--claims must be at least {demo.MIN_CLAIMS}: one claim in every state.")
        password = os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_PASSWORD
        result = demo.seed_demo(claims=claims, password=password)
        if result.loaded_now:
            staff_side = seed_casework_demo()
            self.stdout.write(self.style.SUCCESS(
                f"Demo loaded: {result.claims} claims in {result.seconds:.1f} s; {staff_side.visits} visits planned, "
                f"{staff_side.safety_visits} safety visits, {staff_side.notes} notes and calls, "
                f"{staff_side.marks} deadline marks."))
            if result.letters_pending:
                self.stdout.write(f"{result.letters_pending} letters wait for a Celery worker to make their PDF "
                                  "(the bewoner's letters are made already).")
        else:
            self.stdout.write(f"Demo data already loaded ({result.claims} claims); nothing changed.")
            if not demo.password_works(password):
                self.stdout.write(self.style.WARNING(
                    "The demo logins have another password than the one below (DEMO_PASSWORD at first load)."))
        keys = demo.ensure_demo_authenticators()
        self.stdout.write(self._states(result.by_state))
        self.stdout.write(self._logins(password))
        self.stdout.write(self._second_step(keys))

    def _second_step(self, keys: dict[str, str]) -> str:
        lines = ["", "Staff log in in two steps. The code of the second step: "
                 "`.venv/bin/python manage.py demo_code <username>` (or add the key to an authenticator app):"]
        lines += [f"  {username.ljust(16)} {key}" for username, key in sorted(keys.items())]
        return "\n".join(lines)

    def _states(self, by_state: dict[str, int]) -> str:
        return "Claims per state: " + ", ".join(f"{state} {by_state.get(state, 0)}" for state in State.values)

    def _logins(self, password: str) -> str:
        rows = [("username", "rol", "wachtwoord"), *((name, role, password) for name, role in demo.demo_logins())]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        lines = ["", "Demo logins:"]
        for index, row in enumerate(rows):
            lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                lines.append("  " + "  ".join("-" * width for width in widths))
        lines += ["", f"Open {demo.DEMO_URL} (back office: {demo.DEMO_URL}admin/)"]
        return "\n".join(lines)
