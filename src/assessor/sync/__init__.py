"""Talking to the issuing backend: `protocol` holds the wire shapes both sides share,
`client` the HTTP calls, `enrol`, `pull` and `push` the steps, `service` what the window and
the command line use. Nothing here imports Qt."""
