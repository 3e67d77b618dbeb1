"""Helpers for the webhook tests and the webhooks benchmark (no test module: the bench
imports it)."""
