"""The lowest layer of the gateway: settings, encryption, ids and metrics."""
