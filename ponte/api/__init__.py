"""The HTTP API (`ponte serve`): thin FastAPI routes over the same `Assistant` as the CLI."""
