"""Reference numbers MS-<year>-<6 digits>: sequential per year, safe under concurrent filing."""

from django.db import connection

from .models import ReferenceCounter

_NEXT_SQL = (
    f"INSERT INTO {ReferenceCounter._meta.db_table} (year, last) VALUES (%s, 1) "
    f"ON CONFLICT (year) DO UPDATE SET last = {ReferenceCounter._meta.db_table}.last + 1 RETURNING last"
)


def next_reference(year: int) -> str:
    """One atomic upsert: the row lock serialises concurrent callers, and no number is handed out twice.
    A number used by a transaction that rolls back is skipped, never reused (gaps are allowed)."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SQL, [year])
        (number,) = cursor.fetchone()
    if number > 999_999:
        raise OverflowError(f"More than 999,999 claims in {year}")
    return f"MS-{year}-{number:06d}"
