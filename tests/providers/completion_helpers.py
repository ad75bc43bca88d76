"""What every vendor completer's tests share: the thin event a sample webhook makes, a
``CompletionContext`` whose client reaches the vendor's simulator over real HTTP, completing a
sample that must work or must fail, ``assert_holds`` (a record holds the values a test names),
and ``CompleterConformance``, the checks every completer passes (a thin sample filled from the
vendor's record, a missing record, a rate limit, refused credentials, which events it completes,
which kept credentials serve)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
import pytest

from providers import (
    Completer,
    CompletionContext,
    ProviderAdapter,
    ProviderSettings,
    VendorAPIError,
    VendorState,
)
from providers.client import tls_context
from schemas import EventData

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ADA: Mapping[str, Any] = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "job_title": "Engineer",
    "start_date": "2024-03-01",
}
"""The employee every HR simulator holds, as a completed record holds her (``assert_holds``)."""


def completer_of(adapter: ProviderAdapter) -> Completer:
    """The adapter's completer: a vendor whose completer is under test has one."""
    assert adapter.completer is not None
    return adapter.completer


def thin(adapter: ProviderAdapter, vendor_type: str) -> tuple[str, EventData]:
    """The canonical type and data of the adapter's sample ``vendor_type``, as its webhook
    path maps it (``completeness: "reference"``)."""
    body = adapter.sample_events()[vendor_type]
    parts = adapter.normalize_request(body, {}, received_at=NOW)
    assert parts.completeness == "reference", parts
    return parts.type, parts.data


@asynccontextmanager
async def context(
    base_url: str, credentials: Any, settings: Mapping[str, str] | None = None
) -> AsyncIterator[CompletionContext]:
    """A context on the simulator at ``base_url`` (its ``api_url`` setting)."""
    async with httpx.AsyncClient(timeout=10, verify=tls_context()) as http:
        yield CompletionContext(
            http=http,
            settings=ProviderSettings({"api_url": base_url, **(settings or {})}),
            credentials=credentials,
            now=NOW,
        )


async def completed(
    adapter: ProviderAdapter, vendor_type: str, base_url: str, credentials: Any
) -> tuple[EventData, EventData]:
    """The thin data of the adapter's sample ``vendor_type`` and what its completer makes of it
    against the simulator at ``base_url``."""
    event_type, data = thin(adapter, vendor_type)
    async with context(base_url, credentials) as ctx:
        return data, await completer_of(adapter).complete(ctx, event_type, data)


async def completed_many(
    adapter: ProviderAdapter,
    items: Sequence[tuple[str, EventData]],
    base_url: str,
    credentials: Any,
) -> list[EventData | VendorAPIError]:
    """What the adapter's completer makes of ``items`` (``(event_type, data)`` pairs) completed
    together against the simulator at ``base_url``: one result per item, in order."""
    async with context(base_url, credentials) as ctx:
        return await completer_of(adapter).complete_many(ctx, items)


async def completion_failure(
    adapter: ProviderAdapter,
    vendor_type: str,
    base_url: str,
    credentials: Any,
    settings: Mapping[str, str] | None = None,
) -> VendorAPIError:
    """The ``VendorAPIError`` the adapter's completer raises completing its sample
    ``vendor_type`` against the simulator at ``base_url``."""
    event_type, data = thin(adapter, vendor_type)
    async with context(base_url, credentials, settings) as ctx:
        try:
            await completer_of(adapter).complete(ctx, event_type, data)
        except VendorAPIError as exc:
            return exc
    raise AssertionError(f"completing {vendor_type} did not fail")


def assert_holds(value: Any, expected: Any, where: str = "") -> None:
    """Assert that ``value`` holds ``expected``: a mapping names fields of a record that must be
    there (not ``None``) and hold the values it gives, the others may be anything; a list that
    names records must have as many items, each holding its own; any other value must equal."""
    if isinstance(expected, Mapping):
        assert value is not None, f"{where or 'the record'} is None"
        for name, want in expected.items():
            got = value[name] if isinstance(value, Mapping) else getattr(value, name)
            assert_holds(got, want, f"{where}.{name}" if where else name)
    elif isinstance(expected, list) and any(isinstance(item, Mapping) for item in expected):
        assert isinstance(value, list), f"{where} is {value!r}, not a list"
        assert len(value) == len(expected), f"{where} has {len(value)} items, not {len(expected)}"
        for index, (got, want) in enumerate(zip(value, expected, strict=True)):
            assert_holds(got, want, f"{where}[{index}]")
    else:
        assert value == expected, f"{where} is {value!r}, not {expected!r}"


@dataclass(frozen=True)
class Filled:
    """Completing the thin sample ``event`` gives a ``kind`` that ``holds`` these values
    (``assert_holds``) and keeps the ``kept`` fields of the thin data as they came. Where given,
    ``thin`` is the kind of the thin data, ``calls`` the paths the simulator was asked, in order,
    and ``before`` what is changed on the simulator first."""

    event: str
    kind: type[EventData]
    holds: Mapping[str, Any]
    kept: tuple[str, ...] = ()
    thin: type[EventData] | None = None
    calls: tuple[str, ...] | None = None
    before: Callable[[Any], object] | None = None


@dataclass(frozen=True)
class RateLimit:
    """How the vendor refuses a call for a while: completing ``event`` meets a ``429`` with
    ``body`` and ``Retry-After: retry_after``, after ``after`` calls answered normally (a token
    call first)."""

    event: str
    body: Mapping[str, Any]
    retry_after: float
    after: int = 0


class CompleterConformance:
    """The checks every vendor completer passes against its simulator. Subclass it as
    ``Test<Vendor>Completer`` in the vendor's completer tests, set the data below and give the
    class a ``sim`` fixture: the vendor's simulator, reset, accepting ``credentials``."""

    adapter: ClassVar[ProviderAdapter]
    credentials: ClassVar[Any]
    wrong_secret: ClassVar[str]
    wrong_credentials: ClassVar[Any]
    """Credentials the vendor refuses, holding ``wrong_secret``, which no error may repeat."""
    auth_event: ClassVar[str]
    """The sample completed with ``wrong_credentials``."""
    rate_limit: ClassVar[RateLimit]
    gone: ClassVar[Mapping[str, Callable[[Any], object]]]
    """Samples whose record the vendor no longer has once the function has run on the sim."""
    found_empty: ClassVar[tuple[str, ...]] = ()
    """Those of ``gone`` the vendor answers ``200`` with nothing found (a search), not ``404``."""
    completes: ClassVar[tuple[str, ...]]
    """Thin samples the completer fills in."""
    declines: ClassVar[tuple[str, ...]] = ()
    """Thin samples it cannot read back (a deleted record): left as they came."""
    not_thin: ClassVar[tuple[str, ...]] = ()
    """Samples (variants too) that arrive whole or raw: nothing to complete."""
    error_codes: ClassVar[Mapping[str, str]] = {}
    """The vendor's error code, where it sends one, by failure kind."""
    filled: ClassVar[tuple[Filled, ...]] = ()
    """Thin samples and what the completer reads for them."""
    authorization: ClassVar[str | None] = None
    """The ``Authorization`` every call of a completion carries, where ``credentials`` fix it."""
    kept_credentials: ClassVar[tuple[tuple[Mapping[str, Any] | None, Any], ...]] = ()
    """What ``credentials_from`` makes of a provisioned connection's kept credentials: pairs of
    what was kept and the completer's credentials (``None``: they do not serve)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Checks a vendor gives no data for are left out of its class, not skipped."""
        super().__init_subclass__(**kwargs)
        if not cls.filled:
            cls.test_a_thin_sample_is_filled_from_the_vendors_record = None  # type: ignore[assignment]
        if not cls.kept_credentials:
            cls.test_kept_credentials_serve_or_not = None  # type: ignore[assignment]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "filled_case" in metafunc.fixturenames:
            metafunc.parametrize("filled_case", self.filled, ids=[f.event for f in self.filled])
        if "kept_row" in metafunc.fixturenames:
            metafunc.parametrize("kept_row", self.kept_credentials)
        if "gone_event" in metafunc.fixturenames:
            metafunc.parametrize("gone_event", sorted(self.gone))
        if "sample_row" in metafunc.fixturenames:
            rows = [
                *((t, "completes") for t in self.completes),
                *((t, "declines") for t in self.declines),
                *((t, "not_thin") for t in self.not_thin),
            ]
            metafunc.parametrize("sample_row", rows, ids=[t for t, _ in rows])

    def limit(self, sim: Any) -> None:
        """Have the simulator refuse the next call as ``rate_limit`` says."""
        limit = self.rate_limit
        sim.fail_next(429, limit.body, retry_after=limit.retry_after, after=limit.after)

    def check_code(self, failure: VendorAPIError) -> None:
        if failure.kind in self.error_codes:
            assert failure.code == self.error_codes[failure.kind]

    async def test_a_thin_sample_is_filled_from_the_vendors_record(
        self, sim: Any, filled_case: Filled
    ) -> None:
        case = filled_case
        if case.before is not None:
            case.before(sim)
        data, full = await completed(self.adapter, case.event, sim.base_url, self.credentials)
        if case.thin is not None:
            assert isinstance(data, case.thin)
        assert isinstance(full, case.kind)
        assert_holds(full, case.holds)
        for name in case.kept:
            assert getattr(full, name) == getattr(data, name), name
        if case.calls is not None:
            assert [c.path for c in sim.calls] == list(case.calls)
        if self.authorization is not None:
            assert [c.authorization for c in sim.calls] == [self.authorization] * len(sim.calls)

    def test_kept_credentials_serve_or_not(self, kept_row: tuple[Any, Any]) -> None:
        kept, expected = kept_row
        kept_state = VendorState(state={}, credentials=kept)
        served = completer_of(self.adapter).credentials_from(kept_state)
        if expected is None:
            assert served is None
        else:
            assert served == expected

    async def test_a_record_gone_is_not_found(self, sim: Any, gone_event: str) -> None:
        self.gone[gone_event](sim)
        failure = await completion_failure(self.adapter, gone_event, sim.base_url, self.credentials)
        status = 200 if gone_event in self.found_empty else 404
        assert (failure.kind, failure.status) == ("not_found", status)
        self.check_code(failure)

    async def test_a_rate_limit_carries_the_vendors_retry_after(self, sim: Any) -> None:
        self.limit(sim)
        failure = await completion_failure(
            self.adapter, self.rate_limit.event, sim.base_url, self.credentials
        )
        assert (failure.kind, failure.retry_after) == ("rate_limited", self.rate_limit.retry_after)
        self.check_code(failure)

    async def test_refused_credentials_are_an_auth_error_without_the_secret(self, sim: Any) -> None:
        wrong = self.wrong_credentials
        failure = await completion_failure(self.adapter, self.auth_event, sim.base_url, wrong)
        assert (failure.kind, failure.status) == ("auth", 401)
        assert self.wrong_secret not in str(failure) + repr(failure) + repr(wrong)

    def test_what_it_cannot_read_back_is_not_completed(self, sample_row: tuple[str, str]) -> None:
        vendor_type, row = sample_row
        samples = {**self.adapter.sample_events(), **self.adapter.sample_variants()}
        parts = self.adapter.normalize_request(samples[vendor_type], {}, received_at=NOW)
        assert (parts.completeness == "reference") is (row != "not_thin"), parts.completeness
        completes = completer_of(self.adapter).completes(parts.type, parts.data)
        assert completes is (row == "completes")
