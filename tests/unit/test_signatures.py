"""The declared signature model covers every scheme in both "Verifying the vendors" tables:
each third-round vendor's published or documented-recipe vector verifies from a declaration
alone, and the near misses each vendor's docs warn about fail.

The vectors are the vendors' own tests' (``tests/providers/signature_vectors.py``, each with
where it comes from): here a declaration alone must verify them.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from providers import BODY, Header, Signature
from tests.providers import signature_vectors as vectors
from tests.providers.signature_vectors import SignatureVector

MERGE = Signature(header="X-Merge-Webhook-Signature", encodings=("base64url",))
KOMBO = Signature(header="X-Kombo-Signature", encodings=("base64url",), sign_padding=False)
KNIT = Signature(header="X-Knit-Signature", encodings=("base64url",), sign_padding=False)
DEEL = Signature(header="x-deel-signature", signed=("POST", BODY))
REMOTE = Signature(
    header="X-Remote-Signature",
    signed=(BODY, ":", Header("X-Remote-Timestamp")),
    timestamp_header="X-Remote-Timestamp",
    timestamp_unit="ms",
)
HIBOB = Signature(header="Bob-Signature", algorithm="hmac-sha512", encodings=("base64",))
BAMBOOHR = Signature(
    header="X-BambooHR-Signature",
    signed=(BODY, Header("X-BambooHR-Timestamp")),
    timestamp_header="X-BambooHR-Timestamp",
)
FINCH = Signature(
    header="finch-signature",
    signed=(Header("finch-event-id"), ".", Header("finch-timestamp"), ".", BODY),
    encodings=("base64",),
    prefix="v1,",
    separators=" ",
    key="base64",
    timestamp_header="finch-timestamp",
    tolerance=300,
)
SMARTRECRUITERS = Signature(
    header="smartrecruiters-signature",
    signed=(
        Header("smartrecruiters-timestamp"),
        ".",
        BODY,
        ".",
        Header("event-id", required=False),
        ".",
        Header("event-name", required=False),
        ".",
        Header("event-version", required=False),
        ".",
        Header("link", required=False),
    ),
    prefix="v1=",
    separators=";",
    timestamp_header="smartrecruiters-timestamp",
)
PERSONIO = Signature(header="Authorization", algorithm="token", token_schemes=("Bearer",))

VECTORS = {
    "merge": (MERGE, vectors.MERGE),
    "merge-unpadded": (
        MERGE,
        dataclasses.replace(vectors.MERGE, signature=vectors.MERGE.signature.rstrip("=")),
    ),
    "kombo": (KOMBO, vectors.KOMBO),
    "knit": (KNIT, vectors.KNIT),
    "deel": (DEEL, vectors.DEEL),
    "remote": (REMOTE, vectors.REMOTE),
    "hibob": (HIBOB, vectors.HIBOB),
    "finch": (FINCH, vectors.FINCH),
    "smartrecruiters": (SMARTRECRUITERS, vectors.SMARTRECRUITERS),
    "personio": (
        PERSONIO,
        SignatureVector(b"{}", "p3rs0n10-t0k3n", "authorization", "Bearer p3rs0n10-t0k3n"),
    ),
}
NEAR_MISSES = {
    # Each the mistake the vendor's docs warn about, or the one receivers most often make.
    "merge standard base64": (
        MERGE,
        dataclasses.replace(vectors.MERGE, signature=vectors.MERGE_STANDARD_BASE64),
    ),
    "kombo standard base64": (
        KOMBO,
        dataclasses.replace(vectors.KOMBO, signature=vectors.KOMBO_STANDARD_BASE64),
    ),
    "deel without POST": (
        DEEL,
        dataclasses.replace(vectors.DEEL, signature=vectors.DEEL_WITHOUT_POST),
    ),
    "remote timestamp first": (
        REMOTE,
        dataclasses.replace(vectors.REMOTE, signature=vectors.REMOTE_TIMESTAMP_FIRST),
    ),
    "hibob with a trailing newline": (
        HIBOB,
        dataclasses.replace(vectors.HIBOB, body=vectors.HIBOB.body + b"\n"),
    ),
    "personio another token": (
        PERSONIO,
        SignatureVector(b"{}", "p3rs0n10-t0k3n", "authorization", "Bearer p3rs0n10-t0k3n-2"),
    ),
}


FINCH_BODY, FINCH_HEADERS, FINCH_SECRET = (
    vectors.FINCH.body,
    vectors.FINCH.headers,
    vectors.FINCH.secret,
)
SR_BODY, SR_HEADERS, SR_SECRET = (
    vectors.SMARTRECRUITERS.body,
    vectors.SMARTRECRUITERS.headers,
    vectors.SMARTRECRUITERS.secret,
)


@pytest.mark.parametrize("case", sorted(VECTORS))
def test_each_vendor_vector_verifies_from_its_declaration(case: str) -> None:
    signature, vector = VECTORS[case]
    body, headers, secret = vector.body, vector.headers, vector.secret
    assert signature.verify(body, headers, [secret])
    assert not signature.verify(body, headers, [secret + "x"])
    assert signature.verify(body, headers, ["an-old-secret", secret]), "rotation"


@pytest.mark.parametrize("case", sorted(NEAR_MISSES))
def test_near_misses_fail(case: str) -> None:
    signature, vector = NEAR_MISSES[case]
    body, headers, secret = vector.body, vector.headers, vector.secret
    assert not signature.verify(body, headers, [secret])


@pytest.mark.parametrize("case", sorted(VECTORS))
def test_signing_reproduces_the_vector(case: str) -> None:
    """What ``sign`` writes for the vector's inputs is the vector (the demo and send-test sign
    exactly as the vendor does)."""
    signature, vector = VECTORS[case]
    body, headers, secret = vector.body, vector.headers, vector.secret
    given = {k: v for k, v in headers.items() if k != signature.key_header}
    signed = signature.sign(body, secret, now=datetime(2025, 1, 1, tzinfo=UTC), headers=given)
    written = signed[signature.key_header]
    if case == "merge-unpadded":
        written = written.rstrip("=")
    if case == "personio":
        written = "Bearer " + written
    assert written == headers[signature.key_header]


def test_finch_keyed_by_the_undecoded_secret_fails() -> None:
    """Finch's SDKs base64-decode the secret; a key of its text must not verify."""
    literal = Signature(
        header="finch-signature",
        signed=FINCH.signed,
        encodings=("base64",),
        prefix="v1,",
        separators=" ",
    )
    assert not literal.verify(FINCH_BODY, FINCH_HEADERS, [FINCH_SECRET])


def test_several_signatures_any_one_verifies() -> None:
    rotated = {
        **SR_HEADERS,
        "smartrecruiters-signature": "v1="
        + "0" * 64
        + ";"
        + SR_HEADERS["smartrecruiters-signature"],
    }
    assert SMARTRECRUITERS.verify(SR_BODY, rotated, [SR_SECRET])
    finch = {**FINCH_HEADERS, "finch-signature": "v1,AAAA " + FINCH_HEADERS["finch-signature"]}
    assert FINCH.verify(FINCH_BODY, finch, [FINCH_SECRET])


def test_a_missing_optional_header_is_empty_text() -> None:
    """SmartRecruiters signs an absent ``link`` as empty text (the dots stay)."""
    headers = {
        k: v for k, v in SR_HEADERS.items() if k not in ("link", "smartrecruiters-signature")
    }
    signed = SMARTRECRUITERS.sign(
        SR_BODY, "k", now=datetime(2025, 1, 1, tzinfo=UTC), headers=headers
    )
    assert SMARTRECRUITERS.verify(SR_BODY, signed, ["k"])
    assert not SMARTRECRUITERS.verify(SR_BODY, {**signed, "link": "<x>"}, ["k"])


def test_a_missing_required_header_fails_closed() -> None:
    headers = {k: v for k, v in FINCH_HEADERS.items() if k != "finch-event-id"}
    assert not FINCH.verify(FINCH_BODY, headers, [FINCH_SECRET])


def test_tolerance_is_checked_against_the_given_clock() -> None:
    sent = datetime.fromtimestamp(1676312382, tz=UTC)
    assert FINCH.stale(FINCH_HEADERS, now=sent) is None
    assert FINCH.stale(FINCH_HEADERS, now=datetime.fromtimestamp(1676312382 + 301, tz=UTC))
    assert FINCH.stale(FINCH_HEADERS, now=datetime.fromtimestamp(1676312382 - 301, tz=UTC))
    for bad in ("", "\uff11\uff12\uff13", "1e9", "9" * 40, "-5"):
        assert FINCH.stale({**FINCH_HEADERS, "finch-timestamp": bad}, now=sent)
    # Without a tolerance nothing is refused for its time.
    assert REMOTE.stale({"x-remote-timestamp": "1"}, now=sent) is None


def test_a_tolerance_setting_checks_only_when_the_setting_is_a_whole_number() -> None:
    windowed = dataclasses.replace(REMOTE, tolerance_setting="tolerance")
    sent = {"x-remote-timestamp": "1700000000000"}
    now = datetime.fromtimestamp(1700000000 + 61, tz=UTC)
    assert windowed.stale(sent, now=now) is None
    assert windowed.stale(sent, now=now, settings={"tolerance": "a minute"}) is None
    assert windowed.stale(sent, now=now, settings={"tolerance": "120"}) is None
    assert windowed.stale(sent, now=now, settings={"tolerance": "60"})


@pytest.mark.parametrize(
    "value",
    ["", " ", "v1=", "v1=zz", "v1," + "=" * 60, "\x00" * 10, ";" * 100, "v1=" + "a" * 10_000],
)
def test_hostile_header_values_never_raise(value: str) -> None:
    for signature in (FINCH, SMARTRECRUITERS, MERGE, HIBOB, PERSONIO, DEEL):
        headers = {**FINCH_HEADERS, **SR_HEADERS, signature.key_header: value}
        assert signature.verify(b"{}", headers, ["secret"]) is False
