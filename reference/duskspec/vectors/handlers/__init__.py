"""Vector handlers, one module per area. Each module exposes ``HANDLERS``."""
