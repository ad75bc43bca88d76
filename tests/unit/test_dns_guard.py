"""The tests' own DNS guard: no test resolves a name off this machine."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.conftest import StubResolver


def test_localhost_and_literals_reach_the_system_resolver() -> None:
    assert socket.getaddrinfo("127.0.0.1", 80)
    assert socket.getaddrinfo("::1", 80)
    assert socket.getaddrinfo("localhost", 80)


def test_any_other_name_is_refused_and_recorded(dns: StubResolver) -> None:
    with pytest.raises(socket.gaierror, match="may not resolve"):
        socket.getaddrinfo("example.com", 443)
    assert dns.violations == ["example.com"]
    dns.violations.clear()  # seen: the guard would otherwise fail this test at teardown


async def test_the_event_loop_goes_through_the_guard(dns: StubResolver) -> None:
    with pytest.raises(socket.gaierror):
        await asyncio.get_running_loop().getaddrinfo("pypi.org", 443)
    assert dns.violations == ["pypi.org"]
    dns.violations.clear()


def test_declared_names_answer_from_the_stub(dns: StubResolver) -> None:
    dns.names["hooks.example"] = ["8.8.4.4", "2606:4700:4700::1111"]
    dns.names["gone.example"] = None
    answers = socket.getaddrinfo("hooks.example", 443)
    assert [a[4][0] for a in answers] == ["8.8.4.4", "2606:4700:4700::1111"]
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("gone.example", 443)
    assert dns.violations == []
