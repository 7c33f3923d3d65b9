"""The credential library of the issuing backend: pure (no database, no web framework).

Module map and API: README.md in this folder."""
