"""Pure rules: rubrics, scoring, workflow. Standard library only."""
