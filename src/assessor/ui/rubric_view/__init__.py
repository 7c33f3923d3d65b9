"""A rubric shown read-only: criteria × levels, for any screen that shows one."""
