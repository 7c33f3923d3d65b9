"""The demo: a data folder full of realistic work, written from the shared demo set
(`assessor.formats.demo_data`, which `issuer demo` uses too). Above the services: it writes
through them (folder.py), and backend.py serves the demo's issuer in this process."""

from assessor.demo.folder import (
    DEMO_PASSPHRASE,
    DEMO_PROFILES,
    DemoSummary,
    write_demo,
)
from assessor.formats.demo_data import DEMO_ASSESSOR, DEMO_SEED, demo_rubric_files

__all__ = [
    "DEMO_ASSESSOR",
    "DEMO_PASSPHRASE",
    "DEMO_PROFILES",
    "DEMO_SEED",
    "DemoSummary",
    "demo_rubric_files",
    "write_demo",
]
