"""The reference issuing backend: publishes rubrics and work, verifies signed records from the
desktop, issues Open Badges 3.0 credentials and revokes them. Runs with no display; imports
only `assessor.domain`, `assessor.security` and `assessor.sync.protocol` from the desktop."""

__version__ = "0.1.0"
