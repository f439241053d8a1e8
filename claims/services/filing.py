"""Creating a claim: always as a draft with its reference; `submit` is a transition like any other."""

from django.db import transaction

from ..models import Channel, Claim, Person, Property
from ..references import next_reference
from ..timeutil import now


@transaction.atomic
def claim_create_draft(*, property: Property, applicant: Person, filed_by, channel: str = Channel.ONLINE,
                       urgent: bool = False, description: str = "") -> Claim:
    claim = Claim(
        reference=next_reference(now().year), property=property, applicant=applicant, filed_by=filed_by,
        channel=channel, urgent=urgent, description=description,
    )
    claim.full_clean(exclude=["reference", "co_applicants", "status"])
    claim.save()
    return claim
