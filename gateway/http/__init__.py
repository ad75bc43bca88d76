"""The HTTP layer: the Litestar app, its routes, the ingest handler and the console."""
