#!/usr/bin/env bash
# Local services for development and tests.
#
#   scripts/services.sh up        PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 answer;
#                                 role and database `mijnschade` exist. Installs and starts what is
#                                 missing and records what it started in var/services-started.
#   scripts/services.sh down      stops only what `up` recorded, then removes the record.
#   scripts/services.sh debs      installs the Debian packages the test suite needs (if missing).
#   scripts/services.sh apt PKG…  installs the given Debian packages if missing.
#
# Idempotent: running `up` twice starts nothing the second time.
set -euo pipefail

# Debian packages the test suite needs. Add to this list, one line per reason.
TEST_DEBS=(
    chromium                                   # Playwright e2e (/usr/bin/chromium)
    libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0  # WeasyPrint
    fonts-liberation2 fonts-dejavu-core        # fonts for letters and the browser
    poppler-utils                              # pdftotext, to read generated letters in tests
    postgresql-client                          # pg_isready, psql
    redis-tools                                # redis-cli
    gettext                                    # msgfmt, for compilemessages
    docker-compose                             # `docker-compose config`: tests/test_compose_file.py (no daemon)
)

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
DB_ROLE=mijnschade
DB_PASSWORD=mijnschade
DB_NAME=mijnschade

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
RECORD="$VAR/services-started"

log() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly, or through sudo when available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# Run a command as the PostgreSQL superuser OS account.
as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -u postgres "$@"
    else
        die "need root (or sudo) to run as postgres: $*"
    fi
}

APT_UPDATED=0
# Install Debian packages that are not installed yet; `apt-get update` at most once per run.
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: ${missing[*]}"
    log "installing: ${missing[*]}"
    if [ "$APT_UPDATED" -eq 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

record() {
    mkdir -p "$VAR"
    printf '%s\n' "$*" >>"$RECORD"
}

wait_for() {  # wait_for SECONDS CMD... : retry CMD every 0.5 s
    local secs="$1" i
    shift
    for ((i = 0; i < secs * 2; i++)); do
        "$@" && return 0
        sleep 0.5
    done
    return 1
}

# ---------------------------------------------------------------- PostgreSQL

pg_ready() {
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; then
        return 0
    fi
    # Without a working pg_isready (no client installed), an open port will do.
    if ! command -v pg_isready >/dev/null 2>&1 || ! pg_isready --version >/dev/null 2>&1; then
        (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
        return $?
    fi
    return 1
}

pg_up() {
    if pg_ready; then
        log "PostgreSQL answers on $PG_HOST:$PG_PORT"
        return 0
    fi
    if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        apt_install postgresql
        # On a machine with systemd, the package starts its own cluster.
        if wait_for 10 pg_ready; then
            log "PostgreSQL installed and started by the package"
            return 0
        fi
    fi
    local version
    version="$(pg_lsclusters -h 2>/dev/null | awk '$2 == "main" && $3 == "'"$PG_PORT"'" {print $1}' | sort -V | tail -1)"
    if [ -z "$version" ]; then
        version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
        log "creating cluster $version/main on port $PG_PORT"
        as_root pg_createcluster --port "$PG_PORT" "$version" main >/dev/null
    fi
    log "starting PostgreSQL $version/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    record "postgresql $version main"
    wait_for 30 pg_ready || die "PostgreSQL $version/main started but does not answer on $PG_HOST:$PG_PORT"
}

pg_down() {  # pg_down VERSION CLUSTER
    log "stopping PostgreSQL $1/$2"
    as_root pg_ctlcluster --skip-systemctl-redirect "$1" "$2" stop || log "could not stop PostgreSQL $1/$2"
}

# Role with a password (Debian's default pg_hba wants one over TCP) and a database it owns.
pg_provision() {
    local sql
    sql="$(cat <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
        CREATE ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    ELSE
        ALTER ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_ROLE'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \\gexec
ALTER DATABASE $DB_NAME OWNER TO $DB_ROLE;
SQL
)"
    if id postgres >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then
        # Local socket, peer or trust authentication as the postgres OS user.
        printf '%s\n' "$sql" | as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null \
            || die "could not create role/database $DB_ROLE"
    elif PGPASSWORD="$DB_PASSWORD" psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$DB_ROLE" -d "$DB_NAME" \
            -c 'SELECT 1' >/dev/null 2>&1; then
        return 0
    else
        die "no local postgres account to create role $DB_ROLE; create it by hand (LOGIN CREATEDB PASSWORD '$DB_PASSWORD')"
    fi
    # Prove the application's way in works: TCP with the password.
    if command -v psql >/dev/null 2>&1; then
        PGPASSWORD="$DB_PASSWORD" psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$DB_ROLE" -d "$DB_NAME" \
            -c 'SELECT 1' >/dev/null || die "role $DB_ROLE cannot log in over TCP on $PG_HOST:$PG_PORT"
    fi
    log "role and database $DB_NAME ready"
}

# ---------------------------------------------------------------- Redis

redis_ready() {
    if command -v redis-cli >/dev/null 2>&1; then
        [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
        return $?
    fi
    local reply=""
    exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || true
    exec 3>&- 3<&-
    [ "${reply%$'\r'}" = "+PONG" ]
}

redis_up() {
    if redis_ready; then
        log "Redis answers on $REDIS_HOST:$REDIS_PORT"
        return 0
    fi
    if ! command -v redis-server >/dev/null 2>&1; then
        apt_install redis-server
        if wait_for 5 redis_ready; then
            log "Redis installed and started by the package"
            return 0
        fi
    fi
    mkdir -p "$VAR"
    log "starting Redis"
    redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no \
        --dir /tmp --logfile "$VAR/redis.log" --pidfile "$VAR/redis.pid"
    wait_for 15 redis_ready || die "Redis started but does not answer; see $VAR/redis.log"
    record "redis $VAR/redis.pid"
}

redis_down() {  # redis_down PIDFILE
    local pid
    pid="$(cat "$1" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        log "stopping Redis (pid $pid)"
        kill "$pid"
        wait_for 10 bash -c "! kill -0 $pid 2>/dev/null" || log "Redis (pid $pid) did not stop"
    fi
    rm -f "$1"
}

# ---------------------------------------------------------------- commands

cmd_up() {
    pg_up
    pg_provision
    redis_up
}

cmd_down() {
    if [ ! -f "$RECORD" ]; then
        log "nothing recorded as started"
        return 0
    fi
    local what a b
    # Stop in reverse order of starting.
    while read -r what a b; do
        case "$what" in
            postgresql) pg_down "$a" "$b" ;;
            redis) redis_down "$a" ;;
            "") ;;
            *) log "unknown record: $what $a $b" ;;
        esac
    done < <(tac "$RECORD")
    rm -f "$RECORD"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    debs) apt_install "${TEST_DEBS[@]}" ;;
    apt) shift; apt_install "$@" ;;
    *) echo "usage: $0 up|down|debs|apt PKG..." >&2; exit 2 ;;
esac
