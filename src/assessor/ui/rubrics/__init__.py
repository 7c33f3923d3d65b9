"""The rubric library: rubrics and their versions, one version as a grid, two side by side."""
