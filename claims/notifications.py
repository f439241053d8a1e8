"""Who is told what when something happens to a claim. Messages are queued in the outbox."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import roles as R
from .models import Claim
from .outbox import queue_email


def alert_coordinators_urgent(claim: Claim) -> int:
    """An acutely unsafe situation: every coordinator hears at once (safety visit within 48 hours)."""
    coordinators = get_user_model().objects.filter(groups__name=R.COORDINATOR, is_active=True).exclude(email="")
    count = 0
    for coordinator in coordinators:
        with override("nl"):
            queue_email(
                to=coordinator.email,
                subject=_("Acuut onveilige situatie: %(reference)s") % {"reference": claim.reference},
                body=_(
                    "Er is een acuut onveilige situatie gemeld bij zaak %(reference)s. "
                    "Er moet uiterlijk %(due)s een veiligheidsbezoek zijn."
                ) % {
                    "reference": claim.reference,
                    "due": date_format(timezone.localtime(claim.safety_visit_due), "l j F Y H:i"),
                },
                purpose="urgent_alert",
                claim=claim,
            )
        count += 1
    return count
