#!/usr/bin/env bash
# Put an unpacked Assessor bundle in the user's application menu: the desktop entry (its Exec
# pointing at this bundle), the icon in every size of the hicolor theme, the AppStream file,
# and `assessor` / `issuer` links in ~/.local/bin when those names are free.
#
#   ./install-menu.sh [BUNDLE_DIR]              (default: the folder this script is in)
#   ./install-menu.sh --uninstall [BUNDLE_DIR]
#
# Nothing outside $XDG_DATA_HOME (~/.local/share) and ~/.local/bin is touched; no root needed.
# Exit status: 0 done, 2 bad input (nothing written).
set -euo pipefail

app_id=org.assessor.Assessor
sizes=(16 24 32 48 64 128 256 512)
uninstall=0
if [ "${1:-}" = "--uninstall" ]; then
    uninstall=1
    shift
fi
bundle="${1:-$(cd "$(dirname "$0")" && pwd)}"
fail() { echo "install-menu.sh: $*" >&2; exit 2; }
[ -d "$bundle" ] || fail "$bundle: no such folder"
bundle="$(cd "$bundle" && pwd)"
exe="$bundle/assessor"
res="$bundle/_internal/assessor/resources"
[ -x "$exe" ] || fail "$exe: not an executable; give the folder holding the unpacked bundle"
[ -f "$res/linux/$app_id.desktop" ] || fail "$res/linux/$app_id.desktop: missing; unpack the bundle again"
# The Exec key quotes the path; these characters would need escapes that menus disagree on.
case "$exe" in
    *[\"\`\$\\%]* | *$'\n'*) fail "$bundle: move the bundle to a folder whose path has no \" \` \$ \\ % or newline" ;;
esac

data="${XDG_DATA_HOME:-$HOME/.local/share}"
bin="$HOME/.local/bin"
desktop="$data/applications/$app_id.desktop"
metainfo="$data/metainfo/$app_id.metainfo.xml"
icons=("$data/icons/hicolor/scalable/apps/$app_id.svg")
for s in "${sizes[@]}"; do icons+=("$data/icons/hicolor/${s}x${s}/apps/$app_id.png"); done

refresh() {
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

# A link in ~/.local/bin is ours when it points into a folder holding a bundle (_internal).
ours() { [ -L "$1" ] && [ -d "$(dirname "$(readlink "$1")")/_internal" ]; }

if [ "$uninstall" = 1 ]; then
    rm -f "$desktop" "$metainfo" "${icons[@]}"
    for name in assessor issuer; do
        if ours "$bin/$name"; then rm -f "$bin/$name"; fi
    done
    refresh
    echo "removed Assessor from the menu"
    exit 0
fi

install -d -m 755 "$data/applications" "$data/metainfo"
install -D -m 644 "$res/icons/app/assessor.svg" "${icons[0]}"
for s in "${sizes[@]}"; do
    install -D -m 644 "$res/icons/app/assessor-$s.png" "$data/icons/hicolor/${s}x${s}/apps/$app_id.png"
done
install -m 644 "$res/linux/$app_id.metainfo.xml" "$metainfo"
sed_exe="$(printf '%s' "$exe" | sed 's/[&|]/\\&/g')"  # & and | are special to sed below
tmp="$(mktemp "$data/applications/.$app_id.XXXXXX")"
sed -e "s|^Exec=.*|Exec=\"$sed_exe\"|" -e "/^Exec=/a TryExec=$exe" "$res/linux/$app_id.desktop" >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$desktop"
install -d -m 755 "$bin"
for name in assessor issuer; do
    target="$bundle/$name"
    [ -x "$target" ] || continue
    if [ ! -e "$bin/$name" ] && [ ! -L "$bin/$name" ] || ours "$bin/$name"; then
        ln -sfn "$target" "$bin/$name"
    else
        echo "install-menu.sh: $bin/$name exists and is not a link to a bundle; left as it is" >&2
    fi
done
refresh
echo "Assessor is in the menu: $desktop"
