"""Shared helpers of the security sweeps: clients per caller, the body of a response, and a snapshot of the
database that a refused POST must leave as it was."""

import io
import zipfile

from django.apps import apps
from django.db import connection
from django.test import Client

# Tables a request may touch without changing anything of the dossier: sessions, the lock-out's records of
# login attempts, second-factor devices (their counters) and API tokens (their last use).
IGNORED_TABLE_PREFIXES = ("django_session", "axes_", "otp_", "api_apitoken")
SNAPSHOT_APPS = ("claims", "casework", "api", "auth")


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def raw_of(response) -> bytes:
    """The body as bytes, read once (a download streams)."""
    if not hasattr(response, "_raw"):
        streaming = getattr(response, "streaming", False)
        response._raw = b"".join(response.streaming_content) if streaming else response.content
    return response._raw


def body_of(response) -> str:
    """The text of the response; a ZIP (the resident's data download) is opened and its files read."""
    raw = raw_of(response)
    if raw.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"\n".join(archive.read(name) for name in archive.namelist())
    return raw.decode("utf-8", errors="replace")


def _snapshot_sql() -> str:
    parts = []
    for label in SNAPSHOT_APPS:
        for model in apps.get_app_config(label).get_models():
            table = model._meta.db_table
            if table.startswith(IGNORED_TABLE_PREFIXES):
                continue
            pk = model._meta.pk.column
            parts.append(f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.{connection.ops.quote_name(pk)}),"
                         f" '')) FROM {connection.ops.quote_name(table)} t)")
    return "SELECT " + ", ".join(parts)


_SQL: list[str] = []


def snapshot() -> tuple:
    """One fingerprint per table of the dossier (every row, every column), in one query."""
    if not _SQL:
        _SQL.append(_snapshot_sql())
    with connection.cursor() as cursor:
        cursor.execute(_SQL[0])
        return cursor.fetchone()
