"""The plugin API for vendor adapters: everything an adapter or provisioner author imports.

An adapter is an object satisfying ``ProviderAdapter``; ``BaseAdapter`` supplies every shared
part, so a vendor states its name, its declared ``Signature``, its event table, ``normalize`` and
its samples. A vendor with a webhook management API also gives a ``Provisioner``
(``BaseProvisioner`` for its defaults) through a ``VendorClient``; one whose events carry ids its
API can read gives a ``Completer`` (``BaseCompleter``) that fetches them. The helpers below are the
pieces vendors share: JSON as vendors serialise it, timestamps, event ids, and a person's name
and e-mail fields. Nothing here does I/O. The registry (``providers.registry``) and the
conformance kit (``providers.testing``) are for the gateway and for tests. Modules whose names
start with ``_`` are private.
"""

from providers._base import (
    BaseAdapter,
    Category,
    Handshake,
    ProviderAdapter,
    canonical_event_id,
    first_timestamp,
    format_timestamp,
    parse_date,
    parse_timestamp,
    sha256_event_id,
)
from providers._json import compact_json, js_number, js_restringify, parse_json, python_dumps
from providers._records import employee_emails, full_name
from providers.client import (
    BasicAuth,
    BearerAuth,
    HeaderAuth,
    RetryPolicy,
    VendorAPIError,
    VendorClient,
)
from providers.completion import (
    BaseCompleter,
    BatchCompleter,
    Completer,
    CompletionContext,
    Credentials,
)
from providers.errors import NormalizationError
from providers.provisioning import (
    BaseProvisioner,
    ProviderSettings,
    ProvisionContext,
    Provisioner,
    ProvisioningError,
    ProvisionResult,
    VendorState,
    chosen_events,
    kept_credential,
    recorded_id,
)
from providers.signatures import BODY, Encoding, Header, Signature, stale_request
from schemas.api import Provisioned

__all__ = [
    "BODY",
    "BaseAdapter",
    "BaseCompleter",
    "BaseProvisioner",
    "BasicAuth",
    "BatchCompleter",
    "BearerAuth",
    "Category",
    "Completer",
    "CompletionContext",
    "Credentials",
    "Encoding",
    "Handshake",
    "Header",
    "HeaderAuth",
    "NormalizationError",
    "ProviderAdapter",
    "ProviderSettings",
    "ProvisionContext",
    "ProvisionResult",
    "Provisioned",
    "Provisioner",
    "ProvisioningError",
    "RetryPolicy",
    "Signature",
    "VendorAPIError",
    "VendorClient",
    "VendorState",
    "canonical_event_id",
    "chosen_events",
    "compact_json",
    "employee_emails",
    "first_timestamp",
    "format_timestamp",
    "full_name",
    "js_number",
    "js_restringify",
    "kept_credential",
    "parse_date",
    "parse_json",
    "parse_timestamp",
    "python_dumps",
    "recorded_id",
    "sha256_event_id",
    "stale_request",
]
