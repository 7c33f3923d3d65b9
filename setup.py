"""The one build step pyproject.toml cannot say: the top-level `resources/` folder (fonts, and
later icons) ships inside the package as `assessor/resources/`, so an installed wheel and a
bundle built from it find it with `importlib.resources`. A file that would replace one already
in `src/assessor/resources/` stops the build rather than silently winning."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHARED = HERE / "resources"


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "assessor" / "resources"
        packaged = HERE / "src" / "assessor" / "resources"
        for source in sorted(p for p in SHARED.rglob("*") if p.is_file()):
            relative = source.relative_to(SHARED)
            if (packaged / relative).exists():
                raise SystemExit(
                    f"resources/{relative} would replace src/assessor/resources/{relative}"
                )
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildWithResources})
