"""Readers of the desktop's file formats: pure parsing, no database, no Qt, no network.

The issuer imports this package too, so a rubric file gives the same rubrics and digests on
both sides. Importing the package loads nothing heavy: each reader is its own module.
"""
