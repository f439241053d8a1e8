"""Creating and revoking API tokens. The key is returned once and only its SHA-256 is kept."""

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.errors import TransitionRefused
from claims.timeutil import now

from .models import ApiToken

KEY_PREFIX = "ms_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, role: str, created_by) -> tuple[ApiToken, str]:
    """A new token for a system account; the account gets the role if it lacked it. Returns the key once."""
    if role not in roles.ALL_ROLES:
        raise TransitionRefused(_("Kies een rol."), code="invalid_role")
    if user.is_superuser or user.is_staff:
        # A leaked key must never open the admin: tokens are for system accounts only.
        raise TransitionRefused(_("Een sleutel kan niet bij een beheerdersaccount horen."), code="admin_account")
    if not (name or "").strip():
        raise TransitionRefused(_("Geef de sleutel een naam."), code="name_required")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    roles.forget_roles(user)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), role=role, prefix=key[:10],
                                    key_hash=key_hash(key), created_by=created_by)
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now()
        token.save(update_fields=["revoked_at"])
    return token
