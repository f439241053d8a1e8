"""OpenAPI details drf-spectacular cannot guess: the token scheme, and the error responses every operation
can give (one `Error` shape, see api/exceptions.py), so a client and schemathesis know them."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in Dutch unless Accept-Language asks en."},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "description": "Per field, the messages (400 only)."},
    },
    "required": ["detail", "code", "errors"],
}
ERROR_DESCRIPTIONS = {
    "400": "Bad data: a message per field.",
    "401": "Not logged in, or the token is not valid or revoked.",
    "403": "The caller may not do this to this object.",
    "404": "No such object, or the caller may not see it.",
    "409": "The step cannot happen now, or the claim changed at the same moment.",
    "429": "Too many requests: wait and try again.",
}
UNSAFE = {"post", "put", "patch", "delete"}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A key made by an administrator (ms_…)."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: the Error component and the error responses on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in UNSAFE | {"get"}:
                continue
            codes = ["400", "401", "403", "404", "429"] + (["409"] if method in UNSAFE else [])
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code],
                                            "content": {"application/json": {"schema": reference}}})
    return result
