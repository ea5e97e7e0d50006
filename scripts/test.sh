#!/usr/bin/env bash
# The whole test run (what `make test` and CI run):
#   1. ruff
#   2. pytest on SQLite (everything but the browser tests)
#   3. pytest on PostgreSQL: $DATABASE_URL when given, else a throwaway local cluster; only the
#      tests that use the database (the others already ran in phase 2 and cannot differ)
#   4. the browser tests (Playwright + the system Chromium), on SQLite
# Every phase runs even when an earlier one failed; the exit code is non-zero when any failed.
#
# Environment:
#   CI=true            missing PostgreSQL binaries or Chromium fail the run instead of being
#                      skipped (as root, they are installed with apt-get first)
#   DATABASE_URL       the PostgreSQL database for phase 3 (the role needs CREATEDB)
#   TEST_WORKERS=N     pytest-xdist workers for phases 2 and 3 (default 2; 1 = no xdist)
#   CHROMIUM_PATH      the Chromium binary (default /usr/bin/chromium)
# Extra arguments are passed to every pytest run (e.g. scripts/test.sh -x -k vote).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
BIN="${VENV:-$ROOT/.venv}/bin"
EXTRA_ARGS=("$@")
WORKERS="${TEST_WORKERS:-2}"

if [[ ! -x "$BIN/pytest" ]]; then
    echo "test.sh: $BIN/pytest not found: run 'make test' (it creates the virtual environment)" >&2
    exit 2
fi

is_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }
is_root() { [[ "$(id -u)" -eq 0 ]]; }

# Everything the tests leave in the temporary directory (data directories, pytest's tmp_path)
# goes into one directory removed at the end. 711: the postgres user must reach its cluster in it.
RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/concertation-test.XXXXXX")"
chmod 711 "$RUN_TMP"
trap 'rm -rf "$RUN_TMP"' EXIT
export TMPDIR="$RUN_TMP"

# Python's byte-code cache: pytest keeps there the test modules with their asserts rewritten. With
# PYTHONDONTWRITEBYTECODE set (some CI images and containers set it), every pytest process (each
# xdist worker of each phase) recompiles and rewrites every test module and the application:
# about 8 s of CPU each. Let the first phase write the cache (__pycache__, ignored by git) so the
# PostgreSQL and browser phases read it.
unset PYTHONDONTWRITEBYTECODE

XDIST_ARGS=()
if [[ "$WORKERS" =~ ^[0-9]+$ ]] && (( WORKERS > 1 )); then
    XDIST_ARGS=(-n "$WORKERS")
fi

SUMMARY=()
FAILED=0
JUNIT_FILES=()

section() { printf '\n==================== %s ====================\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
now() { date +%s; }

# record PHASE STATUS START
record() {
    local elapsed=$(( $(now) - $3 ))
    SUMMARY+=("$(printf '%-12s %-8s %4ss' "$1" "$2" "$elapsed")")
    [[ "$2" == "FAILED" ]] && FAILED=1
    return 0
}

# run_pytest PHASE EXIT5_OK COMMAND... : runs a pytest command and records the phase's result.
# pytest's exit code 5 (no tests collected) is a failure unless EXIT5_OK is 1.
run_pytest() {
    local phase="$1" exit5_ok="$2" start rc junit
    shift 2
    start="$(now)"
    junit="$RUN_TMP/junit-${#JUNIT_FILES[@]}.xml"
    set +e
    "$@" --junitxml="$junit" "${EXTRA_ARGS[@]}"
    rc=$?
    set -e
    [[ -f "$junit" ]] && JUNIT_FILES+=("$junit")
    if [[ $rc -eq 0 ]]; then
        record "$phase" passed "$start"
    elif [[ $rc -eq 5 && "$exit5_ok" == 1 ]]; then
        record "$phase" "no tests" "$start"
    else
        [[ $rc -eq 5 ]] && echo "test.sh: $phase: pytest collected no tests" >&2
        record "$phase" FAILED "$start"
    fi
}

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [[ "${CONCERTATION_APT_UPDATED:-}" != 1 ]]; then
        apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
        export CONCERTATION_APT_UPDATED=1
    fi
    apt-get -o DPkg::Lock::Timeout=600 install -y -q "$@" >/dev/null
}

# What phases 3 and 4 need from apt-get (CI as root, when missing) is installed in the background
# while ruff and the SQLite phase run: one `apt-get update`, one install, its download hidden
# behind phase 2. Phases 3 and 4 wait for it, then check and install as before if it failed.
APT_PID=""
APT_LOG="$RUN_TMP/apt-get.log"
if is_ci && is_root && command -v apt-get >/dev/null 2>&1; then
    APT_PACKAGES=()
    if [[ -z "${DATABASE_URL:-}" ]] && ! bash scripts/pg-throwaway.sh --find-bindir >/dev/null 2>&1; then
        APT_PACKAGES+=(postgresql)
    fi
    [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || APT_PACKAGES+=(chromium)
    if [[ ${#APT_PACKAGES[@]} -gt 0 ]]; then
        echo "Installing ${APT_PACKAGES[*]} with apt-get in the background (log: $APT_LOG)"
        ( apt_install "${APT_PACKAGES[@]}" ) >"$APT_LOG" 2>&1 &
        APT_PID=$!
    fi
fi

wait_for_apt() {
    [[ -n "$APT_PID" ]] || return 0
    if wait "$APT_PID"; then
        export CONCERTATION_APT_UPDATED=1
    else
        warn "the background apt-get install failed: $(tail -n 5 "$APT_LOG" 2>/dev/null)"
    fi
    APT_PID=""
}

# 1. ruff -----------------------------------------------------------------------------------
section "ruff"
start="$(now)"
LINT_PATHS=()
for path in src tests benchmarks; do [[ -e "$path" ]] && LINT_PATHS+=("$path"); done
if "$BIN/ruff" check "${LINT_PATHS[@]}"; then
    record ruff passed "$start"
else
    record ruff FAILED "$start"
fi

# 2. SQLite ---------------------------------------------------------------------------------
section "pytest on SQLite"
run_pytest SQLite 0 env -u DATABASE_URL "$BIN/pytest" -m "not browser" "${XDIST_ARGS[@]}"

# 3. PostgreSQL -----------------------------------------------------------------------------
# Only the tests that use the database (--database-tests-only, tests/conftest.py): a test with no
# database fixture nor django_db marker cannot query a database, so it gives on PostgreSQL the
# answer it gave on SQLite in phase 2.
section "pytest on PostgreSQL"
PG_ARGS=(-m "not browser" --database-tests-only)
wait_for_apt
PG_MISSING="PostgreSQL server binaries not found: install postgresql (apt-get install postgresql) or set DATABASE_URL"
if [[ -n "${DATABASE_URL:-}" ]]; then
    echo "Using the given DATABASE_URL."
    run_pytest PostgreSQL 0 "$BIN/pytest" "${PG_ARGS[@]}" "${XDIST_ARGS[@]}"
else
    if ! bash scripts/pg-throwaway.sh --find-bindir >/dev/null && is_ci && is_root \
            && command -v apt-get >/dev/null 2>&1; then
        echo "PostgreSQL server binaries not found: installing postgresql with apt-get"
        apt_install postgresql || warn "apt-get install postgresql failed"
    fi
    if bash scripts/pg-throwaway.sh --find-bindir >/dev/null; then
        run_pytest PostgreSQL 0 bash scripts/pg-throwaway.sh \
            "$BIN/pytest" "${PG_ARGS[@]}" "${XDIST_ARGS[@]}"
    elif is_ci; then
        echo "$PG_MISSING" >&2
        record PostgreSQL FAILED "$(now)"
    else
        warn "$PG_MISSING"
        warn "skipping the PostgreSQL run (it fails when CI=true)"
        record PostgreSQL skipped "$(now)"
    fi
fi

# 4. Browser --------------------------------------------------------------------------------
section "browser tests (Chromium, SQLite)"
start="$(now)"
wait_for_apt
if bash scripts/ensure-chromium.sh; then
    # Only tests/browser/ is collected (tests/conftest.py refuses a browser test elsewhere).
    run_pytest browser 1 env -u DATABASE_URL "$BIN/pytest" -m browser tests/browser
elif is_ci; then
    record browser FAILED "$start"
else
    warn "skipping the browser tests: Chromium is missing (they fail when CI=true)"
    record browser skipped "$start"
fi

# Summary -----------------------------------------------------------------------------------
section "summary"
printf '%s\n' "${SUMMARY[@]}"
if [[ ${#JUNIT_FILES[@]} -gt 0 ]]; then
    "$BIN/python" - "${JUNIT_FILES[@]}" <<'EOF' || true
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        continue
    for suite in root.iter("testsuite"):
        tests, errors = int(suite.get("tests", 0)), int(suite.get("errors", 0))
        failures, skips = int(suite.get("failures", 0)), int(suite.get("skipped", 0))
        passed += tests - errors - failures - skips
        failed += errors + failures
        skipped += skips
print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
EOF
fi
if [[ $FAILED -ne 0 ]]; then
    echo "test.sh: FAILED"
    exit 1
fi
echo "test.sh: all phases passed"
