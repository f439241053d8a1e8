"""The audit of access (issue 7, item 3): who of the staff opened which dossier, downloaded which document or
made which export, when and from where. Rows are append-only (claims/models/access_log.py).

Each view calls `access_record` once, after its access check passed. The row is written inside the request:
an audit that could be skipped silently is worthless, so if the insert fails the request fails too.

Only staff are recorded. A resident reading their own claim is the owner of that data looking at it, not an
access by the institute that the AVG asks us to account for; logging it would only grow the table and put the
resident's own reads among the rows a coordinator checks for unjustified looks."""

import ipaddress

from django.conf import settings

from . import roles
from .models import AccessLog, Claim, Document
from .models.access_log import DETAIL_LENGTH, USER_AGENT_LENGTH

Action = AccessLog.Action


def is_staff_reader(user) -> bool:
    # is_staff: the admin lets such an account read dossiers by model permission, without any role.
    return user.is_authenticated and (user.is_superuser or user.is_staff
                                      or bool(roles.roles_of(user) & roles.STAFF_ROLES))


def client_ip(request) -> str | None:
    """REMOTE_ADDR: behind the reverse proxy that is the proxy. Only when settings say how many proxies are
    trusted (REST_FRAMEWORK["NUM_PROXIES"] > 0) is X-Forwarded-For read, and then only the entry the last
    trusted proxy added (as rest_framework's throttling does); anything before it the client can forge."""
    meta = request.META
    num_proxies = (getattr(settings, "REST_FRAMEWORK", {}) or {}).get("NUM_PROXIES") or 0
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if num_proxies > 0 and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses and _is_ip(addresses[-min(num_proxies, len(addresses))]):
            return addresses[-min(num_proxies, len(addresses))]
    remote = meta.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def access_record(*, request, claim: Claim | None, action: str, document: Document | None = None,
                  detail: str = "") -> AccessLog | None:
    """Records one access by a staff user; residents' own reads are not recorded (see above)."""
    user = request.user
    if not is_staff_reader(user):
        return None
    return AccessLog.objects.create(
        user=user, claim=claim, action=action, document=document, detail=detail[:DETAIL_LENGTH],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    )
