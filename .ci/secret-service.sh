#!/usr/bin/env bash
# Tools for tests/security/test_secret_service.py: dbus-run-session (Debian package
# dbus-daemon, pulled in by dbus) and gnome-keyring-daemon (gnome-keyring). dbus-x11 satisfies
# gnome-keyring's need for a session bus without pulling in systemd --user. Idempotent; quiet.
set -euo pipefail

if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "secret-service.sh: no apt-get; install dbus-run-session and gnome-keyring-daemon" >&2
    exit 1
fi

packages=(dbus dbus-x11 gnome-keyring)
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
command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null
