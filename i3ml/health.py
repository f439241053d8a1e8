"""/health/ for the load balancer: is the database there, the broker, a worker?

The answer is 200 as long as the database answers, because the web pages work without the broker and the
worker (letters and e-mail wait in the database and are sent later: the outbox and letter sweeps); the body
says which part is down, for monitoring. Without the database nothing works: 503. Every check has a short
timeout, so a dead part never makes the probe hang."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

OK, DOWN, IN_PROCESS = "ok", "down", "in-process"
TIMEOUT = 1.0


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means: not usable now
        return DOWN
    return OK


def broker_state() -> str:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return IN_PROCESS  # `make run`: tasks run in the web process
    try:
        with Connection(url, connect_timeout=TIMEOUT, transport_options={"max_retries": 0}) as broker:
            broker.ensure_connection(max_retries=1, timeout=TIMEOUT)
    except Exception:  # any failure means: not usable now
        return DOWN
    return OK


def worker_state() -> str:
    from .celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return IN_PROCESS
    try:
        replies = app.control.ping(timeout=TIMEOUT)
    except Exception:  # any failure means: not usable now
        return DOWN
    return OK if replies else DOWN


@never_cache
@require_safe
def health(request):
    database = database_state()
    broker = broker_state()
    worker = worker_state() if broker == OK else (IN_PROCESS if broker == IN_PROCESS else DOWN)
    status = 200 if database == OK else 503
    response = JsonResponse({"status": "ok" if status == 200 else "down", "database": database, "broker": broker,
                             "worker": worker}, status=status)
    # Answered before the security middleware runs (i3ml/middleware.py), so nosniff is set here.
    response["X-Content-Type-Options"] = "nosniff"
    return response
