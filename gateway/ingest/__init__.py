"""Ingest: verify and normalise a vendor request, and commit it with its deliveries."""
