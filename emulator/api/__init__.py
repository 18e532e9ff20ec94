"""The HTTP face: thin controllers over the domain."""
