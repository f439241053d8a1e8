"""Finding the object a URL names, through the visibility selector: what the caller may not see is a 404."""

from rest_framework.exceptions import NotFound

from claims.models import Claim
from claims.selectors import claims_visible_to

REFERENCE = r"(?P<reference>MS-\d{4}-\d{6})"


def visible_claim(request, reference: str, *, queryset=None) -> Claim:
    claims = claims_visible_to(request.user) if queryset is None else queryset
    claim = claims.filter(reference=reference).first()
    if claim is None:
        raise NotFound()
    return claim
