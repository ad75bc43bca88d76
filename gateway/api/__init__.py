"""HTTP routes: ingest (vendors), management (bearer keys), operations."""
