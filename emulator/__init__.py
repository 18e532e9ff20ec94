"""A stateful, offline emulator of the WasenderAPI WhatsApp REST API."""

__version__ = "0.1.0"
