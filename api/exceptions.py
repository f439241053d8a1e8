"""Every error the API gives has one shape: `{"detail": message, "code": code, "errors": {field: [messages]}}`.

- bad data: 400 with a message per field (serializer errors, and service refusals that concern one field);
- not logged in or a bad token: 401; may not do this to this claim: 403;
- an object the caller may not see: 404, exactly as for one that does not exist;
- a step that cannot happen now, or someone changed the claim at the same moment: 409;
- too many requests: 429.
Messages are in Dutch unless the request asks for English (Accept-Language: en).
"""

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import ImmutableRecordError
from claims.services.desk import DeskRefused
from claims.uploads import UploadRefused

# Refusals of a service that are about one value sent: 400 on that field rather than 409 for the step.
FIELD_OF_CODE = {
    "reason_required": "reason",
    "invalid_reply_days": "reply_days",
    "invalid_outcome": "outcome",
    "invalid_amount": "awarded_amount",
    "amount_mismatch": "awarded_amount",
    "caseworker_required": "caseworker",
    "invalid_caseworker": "caseworker",
    "invalid_expert": "expert",
    "objection_late": "late_excuse",
}


def error_body(detail, *, code: str, errors: dict | None = None) -> dict:
    return {"detail": str(detail), "code": code, "errors": errors or {}}


def _flatten(data) -> dict[str, list[str]]:
    """DRF's nested error structure as field → messages (nested fields joined with dots)."""
    if isinstance(data, dict):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            for inner, messages in _flatten(value).items():
                flat[f"{key}.{inner}" if inner else str(key)] = messages
        return flat
    if isinstance(data, list):
        if all(not isinstance(v, dict | list) for v in data):
            return {"": [str(v) for v in data]}
        flat = {}
        for index, value in enumerate(data):
            for inner, messages in _flatten(value).items():
                flat[f"{index}.{inner}" if inner else str(index)] = messages
        return flat
    return {"": [str(data)]}


def refusal_response(refusal: TransitionRefused | DeskRefused | UploadRefused, *, field: str | None = None):
    code = getattr(refusal, "code", "refused")
    message = str(getattr(refusal, "message", refusal))
    if isinstance(refusal, TransitionForbidden):
        return Response(error_body(message, code=code), status=status.HTTP_403_FORBIDDEN)
    field = field or FIELD_OF_CODE.get(code)
    if isinstance(refusal, UploadRefused):
        field = field or "file"
    if field or isinstance(refusal, DeskRefused | UploadRefused):
        return Response(error_body(message, code=code, errors={field or "non_field_errors": [message]}),
                        status=status.HTTP_400_BAD_REQUEST)
    return Response(error_body(message, code=code), status=status.HTTP_409_CONFLICT)


def refused(refusal: TransitionRefused, fields: dict[str, str]) -> Response:
    """A service's refusal for one endpoint: 403 when forbidden, 400 on the endpoint's field for that code
    (`fields`: code → field), else 409."""
    return refusal_response(refusal, field=fields.get(refusal.code))


def handler(exc, context):
    if isinstance(exc, TransitionRefused | DeskRefused | UploadRefused):
        return refusal_response(exc)
    if isinstance(exc, ImmutableRecordError):
        return Response(error_body(_("Dit kan niet meer worden gewijzigd."), code="immutable"),
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Niet gevonden."))
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("U mag dit niet doen."))
    if isinstance(exc, exceptions.Throttled):
        # DRF's own text is only half translated; one sentence in the caller's language instead.
        wait, seconds = exc.wait, max(1, math.ceil(exc.wait or 1))
        exc = exceptions.Throttled(detail=_(
            "U hebt te veel verzoeken gestuurd. Probeer het over %(seconds)d seconden opnieuw.") % {"seconds": seconds})
        exc.wait = wait  # for the Retry-After header
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        errors = {key or "non_field_errors": value for key, value in errors.items()}
        first = next(iter(errors.values()), [_("De gegevens kloppen niet.")])[0]
        response.data = error_body(first, code="invalid", errors=errors)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(detail if not isinstance(detail, dict | list) else _("Fout."),
                                   code=code if isinstance(code, str) else "error")
    return response
