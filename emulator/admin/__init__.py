"""The control plane under /admin: accounts, clock, sessions, inbound traffic, deliveries, faults."""
