"""The rules of the emulated service: no HTTP, no SQL."""
