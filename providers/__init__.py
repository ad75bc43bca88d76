"""The plugin API for vendor adapters: everything an adapter or provisioner author imports.

An adapter is an object satisfying ``ProviderAdapter`` (``BaseAdapter`` supplies the shared
parts); an adapter for a vendor with a webhook management API may carry a ``provisioner``
(``Provisioner``, with ``BaseProvisioner`` for its defaults). The helpers below are the pieces
every vendor needs once: HMAC checks, JSON re-serialisation, timestamps and event ids. Nothing
here does I/O. Modules whose names start with ``_`` are private.
"""

from providers._base import (
    BaseAdapter,
    Category,
    Encoding,
    ProviderAdapter,
    canonical_event_id,
    compact_json,
    decode_signature,
    dropped_fields,
    encode_digest,
    first_timestamp,
    format_timestamp,
    hmac_matches,
    hmac_sha256,
    js_number,
    js_restringify,
    parse_date,
    parse_json,
    parse_timestamp,
    python_dumps,
    sha256_event_id,
)
from providers._hooks import (
    all_samples,
    check_request,
    detect_body,
    emitted_types,
    sample_variants,
    sign_request,
    signature_scope,
)
from providers.errors import NormalizationError, ProviderLoadError, UnknownProvider
from providers.provisioning import (
    BaseProvisioner,
    ProviderSettings,
    ProvisionContext,
    Provisioner,
    ProvisioningError,
    ProvisionResult,
    VendorState,
    provisioner_of,
)
from providers.registry import LoadedAdapter, Registry, default_registry, load_registry
from schemas.api import Provisioned

__all__ = [
    "BaseAdapter",
    "BaseProvisioner",
    "Category",
    "Encoding",
    "LoadedAdapter",
    "NormalizationError",
    "ProviderAdapter",
    "ProviderLoadError",
    "ProviderSettings",
    "ProvisionContext",
    "ProvisionResult",
    "Provisioned",
    "Provisioner",
    "ProvisioningError",
    "Registry",
    "UnknownProvider",
    "VendorState",
    "all_samples",
    "canonical_event_id",
    "check_request",
    "compact_json",
    "decode_signature",
    "default_registry",
    "detect_body",
    "dropped_fields",
    "emitted_types",
    "encode_digest",
    "first_timestamp",
    "format_timestamp",
    "hmac_matches",
    "hmac_sha256",
    "js_number",
    "js_restringify",
    "load_registry",
    "parse_date",
    "parse_json",
    "parse_timestamp",
    "provisioner_of",
    "python_dumps",
    "sample_variants",
    "sha256_event_id",
    "sign_request",
    "signature_scope",
]
