"""Pure parts of delivery: signing, the retry schedule, the SSRF address check."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
import standardwebhooks
import svix.webhooks

from gateway.delivery import retry, signing, ssrf
from tests.conftest import StubResolver

NOW = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


# ---- signing ------------------------------------------------------------------------------------


def test_standard_webhooks_test_vector() -> None:
    key = signing.secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signature = signing.sign(
        key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_new_secret_is_whsec_and_32_random_bytes() -> None:
    a, b = signing.new_secret(), signing.new_secret()
    assert a.startswith("whsec_")
    assert len(signing.secret_key(a)) == 32
    assert a != b


@pytest.mark.parametrize("library", ["standardwebhooks", "svix"])
def test_the_libraries_verify_every_live_secret(library: str) -> None:
    old, new = signing.new_secret(), signing.new_secret()
    body = '{"id":"evt_1","type":"ats.job.created","tenant":"ünïcode"}'.encode()
    timestamp = int(datetime.now(UTC).timestamp())
    keys = [signing.secret_key(new), signing.secret_key(old)]
    headers = signing.webhook_headers(keys, "evt_1", timestamp, body)
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (old, new):
        if library == "svix":
            svix.webhooks.Webhook(secret).verify(body, headers)
        else:
            standardwebhooks.Webhook(secret).verify(body, headers)
    stranger = signing.new_secret()
    with pytest.raises(Exception, match=r"(?i)signature"):
        standardwebhooks.Webhook(stranger).verify(body, headers)


def test_our_verifier_agrees_and_checks_the_clock() -> None:
    secret = signing.new_secret()
    body = b'{"a":1}'
    headers = signing.webhook_headers([signing.secret_key(secret)], "evt_x", 1_700_000_000, body)
    assert signing.verify(secret, headers, body, now=1_700_000_100)
    assert not signing.verify(secret, headers, body + b" ", now=1_700_000_100)
    assert not signing.verify(secret, headers, body, now=1_700_001_000)  # too old
    assert not signing.verify(signing.new_secret(), headers, body, now=1_700_000_100)
    assert not signing.verify("whsec_not base64!", headers, body, now=1_700_000_100)


def test_malformed_secret_is_a_named_error() -> None:
    with pytest.raises(signing.InvalidSecret):
        signing.secret_key("whsec_***")


# ---- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 15 Jan 2025 10:31:00 GMT", 60.0),
        ("Wed, 15 Jan 2025 10:00:00 GMT", 0.0),  # in the past: no extra wait
        ("999999999", retry.MAX_RETRY_AFTER),
        ("soon", None),
        ("-5", None),
        ("\u00b2", None),  # a digit to str.isdigit, not to float
        ("\u0661\u0662", None),  # Arabic-Indic digits: not the ASCII digits HTTP allows
        ("99999999999999999999 Jan 2020 00:00:00 GMT", None),  # overflows datetime
        ("Fri, 31 Dec 9999 23:59:59 -2359", retry.MAX_RETRY_AFTER),
        ("1" * 400, retry.MAX_RETRY_AFTER),
        ("1e400", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, expected: float | None) -> None:
    assert retry.parse_retry_after(value, NOW) == expected


def test_schedule_with_jitter_bounds() -> None:
    schedule = (5.0, 300.0)
    assert retry.next_delay(schedule, 1, rand=lambda: 0.0) == pytest.approx(4.0)
    assert retry.next_delay(schedule, 1, rand=lambda: 0.999999) == pytest.approx(6.0, rel=1e-5)
    assert retry.next_delay(schedule, 2, rand=lambda: 0.5) == pytest.approx(300.0)
    assert retry.next_delay(schedule, 3) is None  # 1 + len(schedule) attempts in all
    delays = {retry.next_delay(schedule, 1) for _ in range(50)}
    assert all(4.0 <= d <= 6.0 for d in delays if d is not None)
    assert len(delays) > 1


def test_retry_after_is_a_floor() -> None:
    assert retry.next_delay((5.0,), 1, retry_after=60.0, rand=lambda: 0.5) == 60.0
    assert retry.next_delay((5.0,), 1, retry_after=1.0, rand=lambda: 0.5) == 5.0


@pytest.mark.parametrize(
    ("status", "attempts", "outcome"),
    [
        (200, 1, "succeeded"),
        (204, 3, "succeeded"),
        (299, 1, "succeeded"),
        (301, 1, "retry"),
        (304, 1, "retry"),
        (410, 1, "retry"),
        (500, 1, "retry"),
        (None, 1, "retry"),
        (500, 2, "retry"),
        (500, 3, "failed"),
    ],
)
def test_outcome(status: int | None, attempts: int, outcome: str) -> None:
    got, next_at = retry.outcome_of(
        status, attempts_made=attempts, schedule=(1.0, 2.0), now=NOW, rand=lambda: 0.5
    )
    assert got == outcome
    assert (next_at is None) == (outcome != "retry")


def test_outcome_honours_retry_after_only_for_429_and_503() -> None:
    for status, wait in ((429, 30.0), (503, 30.0), (500, 1.0)):
        _, next_at = retry.outcome_of(
            status,
            attempts_made=1,
            schedule=(1.0,),
            now=NOW,
            retry_after_header="30",
            rand=lambda: 0.5,
        )
        assert next_at == NOW + timedelta(seconds=wait)


def test_gone_and_failure_window() -> None:
    assert retry.disables_at_once(410)
    assert not retry.disables_at_once(404)
    assert not retry.failing_too_long(None, NOW, 10)
    assert not retry.failing_too_long(NOW - timedelta(seconds=9), NOW, 10)
    assert retry.failing_too_long(NOW - timedelta(seconds=10), NOW, 10)


# ---- SSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address under test, nothing binds
        ("::", "unspecified"),
        ("240.0.0.1", "private"),
        ("100.64.0.1", "not a globally routable"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("2002:a00:1::1", "private"),  # 6to4 around 10.0.0.1
    ],
)
def test_refused_addresses(address: str, reason: str) -> None:
    found = ssrf.refused_reason(ipaddress.ip_address(address))
    assert found is not None
    assert reason in found
    with pytest.raises(ssrf.DestinationRefused, match="destination refused"):
        ssrf.check_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    assert ssrf.refused_reason(ipaddress.ip_address(address)) is None
    assert ssrf.check_address(address) == address


async def test_names_are_checked_after_resolution() -> None:
    with pytest.raises(ssrf.DestinationRefused, match="loopback"):
        await ssrf.resolve_public("localhost", 443)
    with pytest.raises(ssrf.DestinationRefused, match="private"):
        await ssrf.resolve_public("10.0.0.8", 443)
    assert await ssrf.resolve_public("8.8.8.8", 443) == "8.8.8.8"  # literal: no DNS, no traffic


async def test_unresolvable_name_is_refused(dns: StubResolver) -> None:
    dns.names["does-not-exist.invalid"] = None
    with pytest.raises(ssrf.DestinationRefused, match="cannot resolve"):
        await ssrf.resolve_public("does-not-exist.invalid", 443)


async def test_a_name_is_refused_when_any_of_its_addresses_is_private(dns: StubResolver) -> None:
    dns.names["hooks.example.com"] = ["8.8.4.4", "10.1.2.3"]
    with pytest.raises(ssrf.DestinationRefused, match="private"):
        await ssrf.resolve_public("hooks.example.com", 443)
    dns.names["hooks.example.com"] = ["2606:4700:4700::1111"]
    assert await ssrf.resolve_public("hooks.example.com", 443) == "2606:4700:4700::1111"


@pytest.mark.parametrize(
    ("url", "allow", "refused"),
    [
        ("https://example.com/x", False, False),
        ("http://example.com/x", False, True),
        ("http://example.com/x", True, False),
        ("ftp://example.com/x", True, True),
    ],
)
def test_scheme(url: str, allow: bool, refused: bool) -> None:
    assert (ssrf.scheme_error(url, allow) is not None) == refused
