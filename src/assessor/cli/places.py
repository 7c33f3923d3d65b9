"""`assessor paths`: where this installation keeps data, logs, backups and its own files.

Reads nothing and creates nothing, so it works before the first start and on a broken data
folder. Support asks for it first; packaging tests run it in each install shape to check that
every shipped file is found inside that installation.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assessor import paths, resources
from assessor.cli.common import command
from assessor.cli.text import out, table
from assessor.store.db import BACKUPS_DIR

# One of each kind of shipped file: found means the installation carries its resources.
SHIPPED = {
    "app icon": ("icons", "app", "assessor.svg"),
    "app icon png": ("icons", "app", "assessor-256.png"),
    "action icon": ("icons", "actions", "sign.svg"),
    "icon licence": ("icons", "LICENSE-CC0-1.0.txt"),
    "report font": ("fonts", "NotoSans-Regular.ttf"),
    "font licence": ("fonts", "LICENSE-Noto.txt"),
    "desktop entry": ("linux", f"{resources.APP_ID}.desktop"),
    "appstream": ("linux", f"{resources.APP_ID}.metainfo.xml"),
    "rubric schema": ("schemas", "rubric.schema.json"),
    "demo rubric": ("demo", "rubrics", "case-code-review.json"),
}


def cmd_paths(args: argparse.Namespace) -> int:
    data = paths.data_dir(getattr(args, "data_dir", None))
    found: dict[str, str | None] = {}
    for name, parts in SHIPPED.items():
        try:
            found[name] = str(resources.resource_file(*parts))
        except resources.ResourceMissing:
            found[name] = None
    report: dict[str, Any] = {
        "install": resources.shape(),
        "executable": sys.executable,
        "data_dir": str(data),
        "logs": str(paths.log_file(data).parent),
        "backups": str(data / BACKUPS_DIR),
        "resource_roots": [str(r) for r in resources.roots()],
        "resources": found,
    }
    if args.json:
        out(report)
    else:
        rows = [
            ("install", report["install"]),
            ("data folder", report["data_dir"]),
            ("logs", report["logs"]),
            ("backups", report["backups"]),
            *((f"resources ({n + 1})", r) for n, r in enumerate(report["resource_roots"])),
            *((name, path or "MISSING") for name, path in found.items()),
        ]
        table(rows, ("what", "where"))
    return 0 if all(found.values()) else 1


def register(sub: Any) -> None:
    command(
        sub,
        "paths",
        cmd_paths,
        "where data, logs and backups live, and where this installation's own files are",
        "assessor paths --json",
    )
