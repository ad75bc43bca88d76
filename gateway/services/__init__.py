"""Vendor-neutral domain services shared by the HTTP API, the console and the CLI."""
