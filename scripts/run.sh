#!/usr/bin/env bash
# `make run`: a development server with the demo data on http://127.0.0.1:8000.
# Without DATABASE_URL it uses SQLite in var/; without REDIS_URL tasks run in-process.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
ADDR="${RUN_ADDR:-127.0.0.1:8000}"
export DEBUG="${DEBUG:-1}"
mkdir -p var

if [ -z "${DATABASE_URL:-}" ]; then
    echo "run: database SQLite var/mijnschade.sqlite3 (set DATABASE_URL for PostgreSQL)"
fi

"$PY" manage.py migrate --noinput

if [ -d locale ] && [ -n "$(find locale -name '*.po' -print -quit)" ]; then
    if ! command -v msgfmt >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ]; then
            scripts/services.sh apt gettext
        else
            echo "run: msgfmt missing; install gettext (apt-get install gettext)" >&2
            exit 1
        fi
    fi
    "$PY" manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules
fi

"$PY" manage.py collectstatic --noinput --verbosity 0
"$PY" manage.py seed_demo

if [ -n "${REDIS_URL:-}" ]; then
    "$ROOT/.venv/bin/celery" -A i3ml worker --without-gossip --without-mingle --without-heartbeat -l info &
    WORKER_PID=$!
    trap 'kill "$WORKER_PID" 2>/dev/null; wait "$WORKER_PID" 2>/dev/null || true' EXIT
    echo "run: Celery worker started (pid $WORKER_PID) on $REDIS_URL"
else
    echo "run: REDIS_URL not set; tasks run in-process"
fi

"$PY" manage.py runserver "$ADDR"
