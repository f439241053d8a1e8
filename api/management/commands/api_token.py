"""API keys from the command line, for operators without the back office:

    manage.py api_token create --user kcc-heerlen --role desk --name "Gemeente Heerlen, KCC"
    manage.py api_token revoke ms_AbC1234
    manage.py api_token list

`create` prints the key once; only its hash is kept. Keys are revoked, never deleted."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import roles
from claims.errors import TransitionRefused

from ...models import ApiToken
from ...tokens import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Makes, revokes and lists API keys (one system account and one role per key)."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a key; it is printed once.")
        create.add_argument("--user", required=True, help="The system account's user name.")
        create.add_argument("--role", required=True, choices=roles.ALL_ROLES)
        create.add_argument("--name", required=True, help="Which system, e.g. 'Gemeente Heerlen, KCC'.")
        revoke = actions.add_parser("revoke", help="Revoke the key that starts with this prefix.")
        revoke.add_argument("prefix")
        actions.add_parser("list", help="All keys, without the keys themselves.")

    def handle(self, *args, action: str, **options) -> None:
        {"create": self.create, "revoke": self.revoke, "list": self.list_tokens}[action](**options)

    def create(self, *, user: str, role: str, name: str, **options) -> None:
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(_("Er is geen account ‘%(user)s’.") % {"user": user})
        if not account.is_active:
            raise CommandError(_("Dit account is niet actief."))
        try:
            token, key = api_token_create(user=account, name=name, role=role, created_by=None)
        except TransitionRefused as refusal:
            raise CommandError(str(refusal.message)) from refusal
        self.stdout.write(key)
        self.stderr.write(_("Sleutel %(prefix)s… voor %(user)s als %(role)s. Kopieer hem nu: hij wordt niet nog "
                            "eens getoond.") % {"prefix": token.prefix, "user": user, "role": role})

    def revoke(self, *, prefix: str, **options) -> None:
        tokens = list(ApiToken.objects.filter(prefix=prefix))
        if not tokens:
            raise CommandError(_("Geen sleutel begint met ‘%(prefix)s’.") % {"prefix": prefix})
        active = [token for token in tokens if token.revoked_at is None]
        if len(active) > 1:
            raise CommandError(_("Meer dan één sleutel begint met ‘%(prefix)s’; trek ze in via het beheer.")
                               % {"prefix": prefix})
        if not active:
            self.stdout.write(_("Sleutel %(prefix)s… was al ingetrokken.") % {"prefix": prefix})
            return
        api_token_revoke(token=active[0])
        self.stdout.write(_("Sleutel %(prefix)s… is ingetrokken.") % {"prefix": prefix})

    def list_tokens(self, **options) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("created_at", "pk")
        row = "{:<12} {:<8} {:<20} {:<15} {:<17} {:<17} {}"
        self.stdout.write(row.format("prefix", "status", "user", "role", "created", "last used", "name"))
        for token in tokens:
            self.stdout.write(row.format(
                token.prefix, "active" if token.active else "revoked", token.user.get_username(), token.role,
                _moment(token.created_at), _moment(token.last_used_at), token.name))


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"
