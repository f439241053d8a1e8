"""Throttling per token (a system), per person (session) and per address (anonymous). Rates are settings
(MIJNSCHADE_API), read on each request so a test or an operator can change them."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class PerCallerThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        return settings.MIJNSCHADE_API["token_rate"]

    def allow_request(self, request, view):
        self.rate = self._rate_for(request)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def _rate_for(self, request) -> str:
        config = settings.MIJNSCHADE_API
        if isinstance(request.auth, ApiToken):
            return config["token_rate"]
        if request.user and request.user.is_authenticated:
            return config["user_rate"]
        return config["anonymous_rate"]

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return f"api-throttle-{ident}"
