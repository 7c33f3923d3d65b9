#!/usr/bin/env bash
# Build the Linux bundle: dist/assessor/ (executables dist/assessor/assessor and
# dist/assessor/issuer, with install-menu.sh) and dist/assessor-VERSION-linux-ARCH.tar.gz with
# its .sha256 file. Uses the Python given as $PYTHON (default .venv/bin/python), in which
# Assessor and the `bundle` extra are installed: `.venv/bin/python -m pip install -e '.[bundle]'`.
# Run from anywhere; writes only build/ and dist/ of the checkout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
cd "$root"
"$python" -c "import PyInstaller" 2>/dev/null || {
    echo "build-linux.sh: PyInstaller is missing: $python -m pip install -e '.[bundle]'" >&2
    exit 2
}
version="$("$python" -c 'import assessor; print(assessor.__version__)')"
arch="$(uname -m)"
name="assessor-$version-linux-$arch"

rm -rf build/pyinstaller dist/assessor "dist/$name.tar.gz" "dist/$name.tar.gz.sha256"
"$python" -m PyInstaller --noconfirm --log-level WARN \
    --workpath build/pyinstaller --distpath dist packaging/assessor.spec
install -m 755 packaging/linux/install-menu.sh dist/assessor/install-menu.sh
cp README.md dist/assessor/README.md

# Reproducible-ish archive: sorted names, no owner, the files' own times.
tar --sort=name --owner=0 --group=0 --numeric-owner -C dist -czf "dist/$name.tar.gz" assessor
(cd dist && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "bundle:  dist/assessor ($(du -sh dist/assessor | cut -f1))"
echo "tarball: dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1))"
echo "sha256:  dist/$name.tar.gz.sha256"
