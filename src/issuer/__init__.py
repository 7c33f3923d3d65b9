"""The reference issuing backend: verifies signed results and issues Open Badges 3.0 credentials."""
