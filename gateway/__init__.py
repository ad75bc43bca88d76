"""The unihook service: Litestar app, storage, ingest, delivery, management API and CLI."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unihook")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
