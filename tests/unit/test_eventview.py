"""``unihook events`` names what each event is about, for every resource family."""

from __future__ import annotations

from gateway.cli.eventview import summary


def test_summaries_name_the_resource() -> None:
    assert (
        summary(
            {
                "type": "ats.job_posting.updated",
                "data": {"job_posting": {"title": "SRE", "published": True}},
            }
        )
        == "posting SRE [live]"
    )
    assert summary(
        {"type": "ats.offer.created", "data": {"offer": {"status": "Created", "version": 2}}}
    ) == ("offer Created v2")
    assert summary(
        {"type": "ats.office.deleted", "data": {"office": {"id": "1", "name": "Oslo"}}}
    ) == ("office Oslo")
    rejected = {
        "application": {"candidate": {"name": "Zoë"}, "rejection_reason": "Too junior"},
    }
    assert summary({"type": "ats.application.rejected", "data": rejected}) == (
        "Zoë · reason: Too junior"
    )


def test_an_ids_only_event_names_its_first_resource() -> None:
    assert summary({"type": "ats.interview.deleted", "data": {"interview": {"id": "31"}}}) == (
        "interview 31"
    )
    assert summary({"type": "ats.interview.deleted", "data": {}}) == ""
