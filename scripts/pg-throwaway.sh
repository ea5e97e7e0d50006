#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#
#   scripts/pg-throwaway.sh --find-bindir     print the server binaries' directory (exit 1: none)
#   scripts/pg-throwaway.sh COMMAND [ARG...]  start a cluster on a free port of 127.0.0.1, run
#                                             COMMAND with DATABASE_URL pointing at it, then stop
#                                             the cluster and remove its directory, whatever
#                                             happens; exits with COMMAND's exit code.
#
# The cluster lives in a temporary directory, trusts local connections, runs without fsync and
# never touches port 5432 or a system cluster. As root it runs as the `postgres` user (pg_ctl
# refuses to run as root). PG_BINDIR overrides where the binaries are looked for.
set -euo pipefail

say() { printf 'pg-throwaway: %s\n' "$*" >&2; }

find_bindir() {
    local dir candidate best=""
    if [[ -n "${PG_BINDIR:-}" ]]; then
        [[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" ]] && { echo "$PG_BINDIR"; return 0; }
        return 1
    fi
    # Debian/Ubuntu: /usr/lib/postgresql/<major>/bin, the highest major version wins.
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n); do
        [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] && best="$candidate"
    done
    if [[ -z "$best" ]] && command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && best="$dir"
    fi
    if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        best="$(dirname "$(command -v initdb)")"
    fi
    [[ -n "$best" ]] || return 1
    echo "$best"
}

free_port() {
    python3 - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

if [[ "${1:-}" == "--find-bindir" ]]; then
    find_bindir
    exit $?
fi
if [[ $# -eq 0 ]]; then
    echo "usage: $0 --find-bindir | COMMAND [ARG...]" >&2
    exit 2
fi

BINDIR="$(find_bindir)" || {
    say "PostgreSQL server binaries not found: install postgresql (apt-get install postgresql) or set DATABASE_URL"
    exit 1
}

AS_SERVER=()
if [[ "$(id -u)" -eq 0 ]]; then
    if ! id postgres >/dev/null 2>&1; then
        say "running as root but there is no 'postgres' user to run the server as (pg_ctl refuses root)"
        exit 1
    fi
    AS_SERVER=(runuser -u postgres --)
fi

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/concertation-pg.XXXXXX")"
DATADIR="$WORKDIR/data"
LOGFILE="$WORKDIR/server.log"
STARTED=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$STARTED" ]]; then
        (cd "$WORKDIR" && "${AS_SERVER[@]}" "$BINDIR/pg_ctl" -D "$DATADIR" -m fast -w stop >/dev/null 2>&1) \
            || say "could not stop the server cleanly (log: $LOGFILE)"
    fi
    rm -rf "$WORKDIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${#AS_SERVER[@]} -gt 0 ]]; then
    chown postgres: "$WORKDIR"
fi
chmod 700 "$WORKDIR"

# Run the server tools from inside the work directory: the postgres user may not be allowed to
# enter the caller's current directory.
server() { (cd "$WORKDIR" && "${AS_SERVER[@]}" "$@"); }

if ! server "$BINDIR/initdb" -D "$DATADIR" -U postgres --auth-local=trust --auth-host=trust \
        -E UTF8 --locale=C.UTF-8 >"$WORKDIR/initdb.log" 2>&1; then
    # Older initdb may not know C.UTF-8: try the default locale before giving up.
    rm -rf "$DATADIR"
    if ! server "$BINDIR/initdb" -D "$DATADIR" -U postgres --auth-local=trust --auth-host=trust \
            -E UTF8 >"$WORKDIR/initdb.log" 2>&1; then
        say "initdb failed:"
        tail -n 20 "$WORKDIR/initdb.log" >&2
        exit 1
    fi
fi

PORT=""
for attempt in 1 2 3; do
    candidate="$(free_port)"
    if server "$BINDIR/pg_ctl" -D "$DATADIR" -l "$LOGFILE" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $candidate -k $WORKDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            start >/dev/null 2>&1; then
        PORT="$candidate"
        STARTED=1
        break
    fi
    say "could not start the server on port $candidate (attempt $attempt)"
done
if [[ -z "$PORT" ]]; then
    say "giving up; server log:"
    tail -n 20 "$LOGFILE" >&2 || true
    exit 1
fi

ROLE=concertation
server "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
    -c "CREATE ROLE $ROLE LOGIN CREATEDB" \
    -c "CREATE DATABASE $ROLE OWNER $ROLE" >/dev/null

export DATABASE_URL="postgres://$ROLE@127.0.0.1:$PORT/$ROLE"
say "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (DATABASE_URL=$DATABASE_URL)"

set +e
"$@"
status=$?
set -e
exit "$status"
