#!/usr/bin/env bash
# `make test` and CI: Debian packages, venv, PostgreSQL and Redis, then ruff, the migration check and
# pytest. All three checks run; the exit code is the first failure's. Extra pytest arguments: PYTEST_ARGS.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv/bin"

scripts/services.sh debs || exit $?
"${MAKE:-make}" --no-print-directory setup || exit $?

# Stop afterwards only what this run starts; services started earlier by hand stay up.
OWN_SERVICES=1
[ -s var/services-started ] && OWN_SERVICES=0
cleanup() { [ "$OWN_SERVICES" -eq 1 ] && scripts/services.sh down; }
trap cleanup EXIT
scripts/services.sh up || exit $?

# TEST_DATABASE_URL / TEST_REDIS_URL let two checkouts test side by side on one machine.
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://mijnschade:mijnschade@127.0.0.1:5432/mijnschade}"
export REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
unset EMAIL_URL SECRET_KEY DEBUG

status=0
step() {
    echo "==> $*"
    "$@"
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "==> failed ($rc): $*"
        [ "$status" -eq 0 ] && status=$rc
    fi
}

step "$VENV/ruff" check .
step "$VENV/python" manage.py collectstatic --noinput --verbosity 0
step "$VENV/python" manage.py makemigrations --check --dry-run
# shellcheck disable=SC2086  # PYTEST_ARGS is split on purpose
step "$VENV/pytest" ${PYTEST_ARGS:-}

exit "$status"
