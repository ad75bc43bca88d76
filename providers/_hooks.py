"""Optional adapter hooks, each with the default the gateway uses when an adapter lacks it.

Most vendors sign the raw body in a header and need none of these. A vendor that signs inside the
body, signs only part of it, or whose requests must also be checked against the clock implements
the ones it needs as plain methods or attributes (no base class required):

- ``signature_scope``: ``"body"`` (default) or ``"envelope"`` when the signature covers only some
  envelope fields; copied into every event's ``source.signature_scope``.
- ``check_request(raw_body, headers, *, now, settings) -> str | None``: after a request verified,
  a reason to refuse it anyway (``401``), e.g. a stale timestamp; ``settings`` are the provider's
  ``UNIHOOK_PROVIDER_<NAME>_<KEY>`` values. Adapters read neither the clock nor the environment.
- ``detect_body(raw_body, headers) -> bool``: recognise a request on ``/ingest/{tenant}`` by its
  body, for vendors that send no header of their own; asked only when no header matched.
- ``sign_request(raw_body, secret, *, now) -> (body, headers)``: the request exactly as the
  vendor would send it, for vendors whose signature lives in the body (``send-test``, the
  conformance kit). Default: the body unchanged with ``sign(raw_body, secret)``'s headers.
- ``sample_variants() -> {"<vendor type>:<variant>": body}``: further realistic bodies beyond one
  per type (a test request, a second shape of one event).
- ``also_emits``: ``{vendor type: (canonical types...)}`` a vendor type may map to besides its
  ``event_types`` entry: an event whose meaning depends on its payload (Lever's archive that is
  an unarchive or a hire), or an event the body implies beside its own, returned in
  ``Normalized.also`` (``BaseAdapter.derived`` makes one) and stored and delivered as an event
  of its own (Ashby's and Workable's rejections and hires, reported only as a status).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from providers._base import ProviderAdapter
from schemas import SignatureScope


def signature_scope(adapter: ProviderAdapter) -> SignatureScope:
    scope = getattr(adapter, "signature_scope", "body")
    return "envelope" if scope == "envelope" else "body"


def check_request(
    adapter: ProviderAdapter,
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    now: datetime,
    settings: Mapping[str, str],
) -> str | None:
    """Why a verified request must still be refused, or None (the default: never)."""
    hook: Callable[..., str | None] | None = getattr(adapter, "check_request", None)
    if hook is None:
        return None
    return hook(raw_body, headers, now=now, settings=settings)


def detect_body(adapter: ProviderAdapter, raw_body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether the body alone says the request came from this vendor (default: never)."""
    hook: Callable[[bytes, Mapping[str, str]], bool] | None = getattr(adapter, "detect_body", None)
    if hook is None:
        return False
    try:
        return bool(hook(raw_body, headers))
    except Exception:  # a plugin's bug must not turn a vendor's request into a 500
        return False


def sign_request(
    adapter: ProviderAdapter, raw_body: bytes, secret: str, *, now: datetime
) -> tuple[bytes, dict[str, str]]:
    """The body and headers the vendor would send for ``raw_body`` signed with ``secret``."""
    hook: Callable[..., tuple[bytes, dict[str, str]]] | None = getattr(
        adapter, "sign_request", None
    )
    if hook is None:
        return raw_body, adapter.sign(raw_body, secret)
    return hook(raw_body, secret, now=now)


def sample_variants(adapter: ProviderAdapter) -> dict[str, bytes]:
    hook: Callable[[], dict[str, bytes]] | None = getattr(adapter, "sample_variants", None)
    return dict(hook()) if hook is not None else {}


def all_samples(adapter: ProviderAdapter) -> dict[str, bytes]:
    """One body per vendor type, then the variants (``<vendor type>:<variant>``)."""
    return {**adapter.sample_events(), **sample_variants(adapter)}


def emitted_types(adapter: ProviderAdapter) -> set[str]:
    """Every canonical type the adapter's mapping can produce."""
    extra: Mapping[str, Any] = getattr(adapter, "also_emits", None) or {}
    out = set(adapter.event_types.values())
    for types in extra.values():
        out.update(types)
    return out
