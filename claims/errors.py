"""Domain errors with a message a person understands (translated)."""

from django.utils.translation import gettext_lazy as _


class TransitionRefused(Exception):  # noqa: N818 (the name STYLE.md uses)
    """A transition that may not happen now (wrong state, missing data, a rule says no): HTTP 409."""

    status_code = 409

    def __init__(self, message, *, code: str = "refused") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class TransitionForbidden(TransitionRefused):
    """The actor may not do this to this claim: HTTP 403."""

    status_code = 403


class TransitionConflict(TransitionRefused):
    """Someone else changed the claim at the same moment: HTTP 409."""


NOT_NOW = _("Deze stap kan nu niet: de zaak staat op ‘{state}’.")
FORBIDDEN = _("U mag deze stap bij deze zaak niet zetten.")
CONFLICT = _("Iemand anders heeft deze zaak net gewijzigd. Laad de pagina opnieuw en probeer het nog eens.")
