"""The ``unihook`` command line."""

from gateway.cli.main import main

__all__ = ["main"]
