"""Who is calling: a system with a token (`Authorization: Bearer ms_…`), or a person with the pages' session."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from claims import roles
from claims.timeutil import now

from .models import ApiToken
from .tokens import key_hash

LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Geef na ‘Bearer’ precies één sleutel mee."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Deze sleutel is niet geldig.")) from error
        token = (ApiToken.objects.select_related("user").filter(key_hash=key_hash(key), revoked_at__isnull=True)
                 .first())
        # An account made administrator after its key was made loses the key: a superuser sees every claim.
        if token is None or not token.user.is_active or token.user.is_staff or token.user.is_superuser:
            raise exceptions.AuthenticationFailed(_("Deze sleutel is niet geldig of ingetrokken."))
        user = token.user
        # The token acts with its own role only, whatever else the account may hold.
        setattr(user, roles._CACHE_ATTR, frozenset({token.role}))
        moment = now()
        if token.last_used_at is None or moment - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The pages' login; unsafe methods need the CSRF token as in the pages."""
