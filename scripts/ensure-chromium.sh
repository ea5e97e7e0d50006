#!/usr/bin/env bash
# Make sure the system Chromium that the browser tests drive is there.
#
# The browser is $CHROMIUM_PATH (default /usr/bin/chromium): Playwright cannot download its own
# build here, so the tests launch this one. When it is missing: as root, install Debian's
# `chromium` package with apt-get; otherwise say what to install and exit 1.
# Set CONCERTATION_APT_UPDATED=1 when `apt-get update` already ran in this job.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
say() { printf 'ensure-chromium: %s\n' "$*" >&2; }

if [[ -x "$CHROMIUM" ]]; then
    echo "Chromium: $CHROMIUM"
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "$CHROMIUM is missing: installing Debian's chromium package with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if [[ "${CONCERTATION_APT_UPDATED:-}" != 1 ]]; then
        apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    fi
    apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium >/dev/null
    if [[ -x "$CHROMIUM" ]]; then
        echo "Chromium: $CHROMIUM (installed)"
        exit 0
    fi
    say "the chromium package is installed but $CHROMIUM is still missing: set CHROMIUM_PATH to the browser's path"
    exit 1
fi

say "Chromium not found at $CHROMIUM: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary"
exit 1
