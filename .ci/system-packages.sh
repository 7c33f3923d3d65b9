#!/usr/bin/env bash
# Debian packages the suite uses beyond Python: a real Secret Service (dbus-run-session from
# dbus, gnome-keyring-daemon; dbus-x11 gives gnome-keyring a session bus without systemd --user)
# for tests/security/test_secret_service.py; pdftoppm (poppler-utils) and zbarimg (zbar-tools)
# for tests/reports (PDF pages as PNG, the QR code read back). Tests that need a package say so
# when it is missing; CI has them all. Idempotent; quiet.
set -euo pipefail

packages=(dbus dbus-x11 gnome-keyring poppler-utils zbar-tools)
commands=(dbus-run-session gnome-keyring-daemon pdftoppm zbarimg)

have_all() {
    local c
    for c in "${commands[@]}"; do command -v "$c" >/dev/null || return 1; done
}
have_all && exit 0
if ! command -v apt-get >/dev/null; then
    echo "system-packages.sh: no apt-get; install ${packages[*]} by hand" >&2
    exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi
install() {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}
# The package lists may be stale or missing on a fresh runner: update only when needed.
if ! install 2>/dev/null; then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    install
fi
have_all
