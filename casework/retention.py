"""The staff side's part of retention (claims/services/retention.py): its free text about an expired claim goes,
its figures stay (advice and decision amounts, plausibility, outcomes, hearing dates). And the dossier's
timeline gets a line that says the data was removed."""

from django.db.models import Case, Q, Value, When
from django.dispatch import receiver
from django.utils.translation import gettext as _

from claims import timeutil
from claims.models import AnonymisationCategory as C
from claims.models import Claim
from claims.services.retention import claim_anonymising

from .models import CommissionAdvice, Decision, ItemAdvice, Note, Objection, Reassignment


@receiver(claim_anonymising, dispatch_uid="casework-anonymise-claim")
def anonymise_casework(sender, *, claim: Claim, years: int, placeholder: str, **kwargs) -> dict[str, int]:
    # Notes and reassignments are append-only (their `save` refuses changes); a queryset update is the
    # retention bypass the claims service documents: only the text goes, who and when stay.
    free_text = Note.objects.filter(claim=claim).update(body="", spoke_with="")
    history = Reassignment.objects.filter(claim=claim).update(reason="")
    free_text += CommissionAdvice.objects.filter(claim=claim).update(reasoning="")
    free_text += ItemAdvice.objects.filter(advice__claim=claim).update(reasoning="")
    free_text += Decision.objects.filter(claim=claim).update(reasoning="")
    # A late objection keeps a reason (check constraint): the placeholder.
    free_text += Objection.objects.filter(claim=claim).update(
        grounds="", hearing_notes="",
        late_excuse=Case(When(Q(late=True), then=Value(placeholder)), default=Value("")))
    Note.objects.create(claim=claim, kind=Note.Kind.NOTE, author=None, created_at=timeutil.now(), body=_(
        "Persoonsgegevens verwijderd: de zaak was langer dan %(years)s jaar afgesloten. De cijfers, datums en "
        "stappen zijn bewaard.") % {"years": years})
    return {C.FREE_TEXT: free_text, C.HISTORY: history}
