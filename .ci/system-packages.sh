#!/usr/bin/env bash
# Debian packages the suite uses beyond Python: a real Secret Service (dbus-run-session from
# dbus, gnome-keyring-daemon; dbus-x11 gives gnome-keyring a session bus without systemd --user)
# for tests/security/test_secret_service.py; chromium (headless screenshots of the issuer's
# credential pages), poppler-utils (pdftoppm: PDF pages as PNG), zbar-tools (zbarimg reads QR
# codes back from certificates and reports), fonts-droid-fallback and fonts-symbola (CJK and
# emoji on the issuer's certificates); postgresql for the issuer's API tests on a private
# cluster (tests/issuer/service: initdb and pg_ctl from /usr/lib/postgresql/*/bin; the Debian
# service itself is not started); nodejs and npm for the second, JavaScript verifier of issued
# credentials (tests/issuer/js, installed by its install.sh); desktop-file-utils and appstream
# (desktop-file-validate, appstreamcli) check the Linux desktop entry and AppStream file
# (tests/packaging). Tests that need a package say so when it is missing; CI has them all.
# Idempotent; quiet.
set -euo pipefail

packages=(dbus dbus-x11 gnome-keyring chromium poppler-utils zbar-tools fonts-droid-fallback
    fonts-symbola postgresql desktop-file-utils appstream)
# Node.js may come from elsewhere (a nodesource build carries its own npm and conflicts with
# Debian's npm package): ask Debian for it only when it is missing.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
commands=(dbus-run-session gnome-keyring-daemon chromium pdftoppm zbarimg node npm
    desktop-file-validate appstreamcli)
files=(/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
    /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf)

have_all() {
    local c f
    for c in "${commands[@]}"; do command -v "$c" >/dev/null || return 1; done
    for f in "${files[@]}"; do [ -f "$f" ] || return 1; done
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || return 1
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
