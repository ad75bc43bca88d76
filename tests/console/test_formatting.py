"""The console's own Jinja filters against what they stand in for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from jinja2.filters import do_urlencode

from gateway.http.console.formatting import environment, urlencode


@given(st.text() | st.sampled_from(["application/a19999", "acme", "c7@mail.example", "a b/c?d"]))
def test_urlencode_is_jinjas_for_any_text(value: str) -> None:
    assert urlencode(value) == do_urlencode(value)


def test_urlencode_is_jinjas_for_mappings_and_numbers() -> None:
    for value in ({"subject": "a/b c", "tenant": "acme"}, [("q", "ana lima")], 42):
        assert urlencode(value) == do_urlencode(value)


def test_the_pages_use_it_and_it_is_escaped_like_any_value() -> None:
    page = environment().from_string('<a href="?s={{ s | urlencode }}">')
    assert page.render(s="candidate/c&1 x") == '<a href="?s=candidate/c%261%20x">'
    assert page.render(s="job/1") == '<a href="?s=job/1">'
