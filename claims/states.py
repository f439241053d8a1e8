"""The 16 states of a claim (codes English, labels Dutch) and the groups of states rules refer to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SUBMITTED = "submitted", _("Ingediend")
    INTAKE = "intake", _("Ontvankelijkheid")
    INFO_REQUESTED = "info_requested", _("Aanvulling gevraagd")
    INSPECTION = "inspection", _("Schade-opname")
    ADVICE_DRAFT = "advice_draft", _("Conceptadvies")
    RESPONSE_PERIOD = "response_period", _("Zienswijze")
    COMMISSION_REVIEW = "commission_review", _("Bij de commissie")
    DECISION_PENDING = "decision_pending", _("Besluit in voorbereiding")
    DECIDED = "decided", _("Besluit verzonden")
    OBJECTION = "objection", _("Bezwaar")
    SETTLEMENT = "settlement", _("Uitbetaling / herstel")
    CLOSED = "closed", _("Afgesloten")
    NOT_ADMISSIBLE = "not_admissible", _("Buiten behandeling")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    ON_HOLD = "on_hold", _("Aangehouden")


S = State

# The decision clock runs in these states (DESIGN.md "Open states").
OPEN_STATES = (
    S.SUBMITTED,
    S.INTAKE,
    S.INFO_REQUESTED,
    S.INSPECTION,
    S.ADVICE_DRAFT,
    S.RESPONSE_PERIOD,
    S.COMMISSION_REVIEW,
    S.DECISION_PENDING,
)
WITHDRAWABLE_STATES = (*OPEN_STATES, S.ON_HOLD)
# The clock is suspended (Awb 4:15) while the claim waits on the resident.
SUSPENDED_STATES = (S.INFO_REQUESTED, S.ON_HOLD)
# States that end the first-instance procedure with a decision in the sense of the Awb.
DECISION_STATES = (S.DECIDED, S.NOT_ADMISSIBLE)
FINAL_STATES = (S.CLOSED, S.WITHDRAWN)
