"""Re-emission: fan-out, signing, the dispatcher, retries and the SSRF guard."""
