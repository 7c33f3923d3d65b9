"""Talking to the issuing backend. `protocol` holds the wire shapes both sides share; the
desktop's client, outbox sender and puller come later. Nothing here imports Qt."""
