"""Each vendor's signature vector, written once: the body, secret and headers its docs or SDKs
publish, or computed as its docs describe independently of unihook's code. The vendor's own tests
check a vector through its adapter, ``tests/unit/test_signatures.py`` through a bare
``Signature`` declaration; both must read the same bytes, or one could drift from the vendor.
Where each vector comes from is said beside it (and in ``docs/vendors/<vendor>.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SignatureVector:
    """A request a vendor signed: ``headers`` is what it sends (header names in lower case)."""

    body: bytes
    secret: str
    header: str
    """The header that carries the signature."""
    signature: str
    signed_headers: Mapping[str, str] = field(default_factory=dict)
    """The other headers the signature covers (a timestamp, an event id)."""

    @property
    def headers(self) -> dict[str, str]:
        return {**self.signed_headers, self.header: self.signature}


# Merge publishes none: HMAC-SHA256 of these exact bytes keyed by the UTF-8 signature key,
# base64url (https://docs.merge.dev/basics/webhooks/merge-webhooks, "Security": "calculate the
# HMAC-SHA256 of the byte-formatted payload and encode it to Base64url").
MERGE = SignatureVector(
    body=(
        b'{"hook":{"id":"2fa2b314-33c6-48d5-9eb8-683dc5754429","event":"LinkedAccount.sync_'
        b'completed","target":"https://example.com/webhooks/merge"},"linked_account":{"id":"7841'
        b'ee0a-5a1a-44db-bc7e-2912d8c17515","integration":"BambooHR","integration_slug":"bamboohr'
        b'","category":"hris","end_user_origin_id":"org_123","status":"COMPLETE"},"data":{"is_'
        b'initial_sync":true,"sync_status":{"hris.Employee":{"last_sync_result":"DONE","last_'
        b'sync_finished":"2025-11-27T00:16:19Z"}}}}'
    ),
    secret="merge-test-signature-key",
    header="x-merge-webhook-signature",
    signature="aQp6vy7pGsp_GqBB47DTDzGJqdFfiiGxZ3wkRQVHYoY=",
)
MERGE_STANDARD_BASE64 = "aQp6vy7pGsp/GqBB47DTDzGJqdFfiiGxZ3wkRQVHYoY="
"""Merge's digest in standard base64: not what Merge sends."""

# Kombo publishes none; made as https://docs.kombo.dev/webhooks says: "Using HMAC-SHA256 to sign
# the request body with your Kombo Webhook Secret", "Digest with base64url encoding", without the
# trailing "=" padding. The body is Kombo's own data-changed example
# (https://docs.kombo.dev/lms/getting-started/fetching-data), compact.
KOMBO = SignatureVector(
    body=(
        b'{"id":"udcUMbfv9YkHqPY3uGiCpWsz","type":"data-changed","data":{"integration_id":"sandbox:'
        b'7C9M5sXAQx2cNMpVHLojrFpL","integration_tool":"sandbox","integration_category":"LMS",'
        b'"changed_models":[{"name":"lms_course_revisions"},{"name":"lms_courses"}]}}'
    ),
    secret="kombo-test-webhook-secret-1",
    header="x-kombo-signature",
    signature="rPeE8vMKN4WwwGV7PokUVf0Mflid4UhtQYC2ujv1r-Y",
)
KOMBO_STANDARD_BASE64 = "rPeE8vMKN4WwwGV7PokUVf0Mflid4UhtQYC2ujv1r+Y="
"""Kombo's digest in standard base64, padded: not what Kombo sends."""

# Computed as Knit's "Authenticating webhooks" page describes (developers.getknit.dev/reference/
# authenticating-your-apis-with-knit): HMAC-SHA256 keyed by the API key, base64url without
# padding, over the compact form of its "Syncing Applications" record.modified example.
KNIT = SignatureVector(
    body=(
        b'{"eventId":"e_123sadasdasda","eventType":"record.modified","eventData":{"info":{},'
        b'"currentStage":{},"interviews":[],"rejection":{},"offers":[],"attachments":[]},'
        b'"syncType":"delta_sync","syncDataType":"ats_applications","syncJobId":"sj_asda32424",'
        b'"syncRunId":"sr_jhhkk80869","recordId":"123"}'
    ),
    secret="knit-test-api-key",
    header="x-knit-signature",
    signature="rNtnmD7gSBaD15jlFm3BQ0Ni9Nd5EDr-TVklz8lP5AQ",
)

# Deel publishes no signature example. Computed as its get-started guide describes
# (https://developer.deel.com/docs/webhooks-get-started: HMAC-SHA256 keyed by the signing key over
# "POST" followed by the full raw body, hex), over a 287-byte contract.created body in Deel's
# envelope.
DEEL = SignatureVector(
    body=(HERE / "deel" / "vector.contract.created.bin").read_bytes(),
    secret="deel-test-signing-key",
    header="x-deel-signature",
    signature="707853dd11449e910ae9f091e42602bf21b83d1bd7dc97386f7f40116e2f3adb",
)
DEEL_WITHOUT_POST = "4e33f311be7bda149fc13984b4cf9c2f35bd2d46d471941ace2bfa0c9c3998e2"
"""The HMAC of Deel's body alone, without the ``POST`` Deel signs before it."""

# Remote publishes no signature example. Computed as its verifying-webhooks guide describes
# (https://remote.com/resources/api/verifying-webhooks-using-signatures and Remote's own webhook
# guide in github.com/remoteoss/remote-for-ai, skills/remote-api-webhooks: hex HMAC-SHA256 of
# raw_body + ":" + X-Remote-Timestamp in milliseconds), keyed by the sample signing_key of
# Remote's docs, over the guide's 127-byte onboarding body.
REMOTE = SignatureVector(
    body=(HERE / "remote" / "vector.onboarding_completed.bin").read_bytes(),
    secret="wkyzvs764ifdrpct2naqhksmq4",
    header="x-remote-signature",
    signature="88c014905045f36b16bab01302f6a1c5232fca7be098a63987db850fd6b74ccb",
    signed_headers={"x-remote-timestamp": "1700000000000"},
)
REMOTE_TIMESTAMP_FIRST = "c28161d30372fddea46d9f125073f0af33bd4f06df3db4e24f9c4e363afacaf8"
"""Remote's HMAC with the timestamp before the body: the order Remote does not sign in."""

# Computed as Bob's docs describe ("How does Bob calculate the signature": base64 of the
# HMAC-SHA512 of the raw body).
HIBOB = SignatureVector(
    body=(
        b'{"companyId":636192,"type":"employee.joined","triggeredBy":"system",'
        b'"triggeredAt":"2025-01-08T13:06:26.915906","version":"v2",'
        b'"data":{"employeeId":"3332883854254932743"}}'
    ),
    secret="hibob-test-webhook-secret",
    header="bob-signature",
    signature=(
        "8g5H6u75FtK66mg95X07Tna0/Dolwc2u+d9HUl534uW09TaLhp4DBKyU8bR0afHfc0fNE8You/HT9c62+W/eUQ=="
    ),
)

# Finch's SDK test vector (finch-api-python tests/api_resources/test_webhooks.py and
# finch-api-node tests/api-resources/webhooks.test.ts): secret, headers and body as published.
FINCH = SignatureVector(
    body=b'{"company_id":"720be419-0293-4d32-a707-32179b0827ab"}',
    secret="5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH",
    header="finch-signature",
    signature="v1,m7y0TV2C+hlHxU42wCieApTSTaA8/047OAplBqxIV/s=",
    signed_headers={
        "finch-event-id": "msg_2Lh9KRb0pzN4LePd3XiA4v12Axj",
        "finch-timestamp": "1676312382",
    },
)

# The worked example of SmartRecruiters' "Create a webhook subscription secret key" reference
# (https://developers.smartrecruiters.com/reference/subscriptionsgeneratesecretkey-1). The page
# shows the body with a space after a colon and the link without its angle brackets; the
# expected digest reproduces only from the compact body and the bracketed link.
SMARTRECRUITERS = SignatureVector(
    body=b'{"job_id":"jid","candidate_id":"cid"}',
    secret="HeBVky2bccvvkcXPimH8c",
    header="smartrecruiters-signature",
    signature="v1=2e9291f10d44ca10204a4cd81b05d73b6a316b2b605d4e2e0e0b37b40198ce1f",
    signed_headers={
        "smartrecruiters-timestamp": "1574080897",
        "event-id": "123",
        "event-name": "application.created",
        "event-version": "v201910",
        "link": "<http://smartrecruiters.com/endpoint>; rel=self",
    },
)
