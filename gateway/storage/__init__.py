"""Storage: SQLAlchemy 2.0 async tables and the engine factory."""

from gateway.storage.engine import create_schema, make_engine, make_sessionmaker

__all__ = ["create_schema", "make_engine", "make_sessionmaker"]
