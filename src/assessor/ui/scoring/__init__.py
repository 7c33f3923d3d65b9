"""The scoring workspace: evidence on the left, rubric on the right."""
