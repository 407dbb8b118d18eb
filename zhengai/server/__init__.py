"""Serving under load: admission control, execution off the event loop, liveness and readiness."""
