"""Webhooks: which events a session hears, the signed envelope, and their delivery."""
