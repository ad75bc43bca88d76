"""Finch's Organization API reads, on the kit's ``VendorClient``.

From Finch's API reference: requests carry the connection's access token (``Authorization:
Bearer``) and ``Finch-API-Version: 2020-09-17``; ``POST /employer/individual`` and ``POST
/employer/employment`` take ``{"requests": [{"individual_id": ...}, ...]}`` (many individuals per
call) and answer ``{"responses": [{"individual_id", "code", "body"}]}``, ``code`` being each
individual's own status (``404`` for one Finch does not know); ``GET /employer/payment`` with
``start_date`` and ``end_date`` (inclusive, on ``pay_date``) lists the payments paid in that range.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import httpx
import msgspec

from providers.client import BearerAuth, VendorAPIError, VendorClient, kind_for_status
from providers.finch.payloads import (
    FinchBatch,
    FinchEmploymentRecord,
    FinchIndividual,
    FinchPayment,
)

API_URL: Final = "https://api.tryfinch.com"
API_VERSION: Final = "2020-09-17"
BATCH: Final = 100
"""Individuals per read call (Finch reads a batch in one provider request where it can)."""


class FinchClient(VendorClient):
    """Finch's API as one connection's access token."""

    vendor = "Finch"

    def __init__(self, http: httpx.AsyncClient, base_url: str, access_token: str) -> None:
        super().__init__(
            http,
            base_url,
            BearerAuth(access_token),
            headers={"finch-api-version": API_VERSION},
        )

    async def _batch(
        self, path: str, individual_ids: Sequence[str], into: type[Any]
    ) -> dict[str, Any]:
        """Each individual's record, or the ``VendorAPIError`` its own ``code`` says."""
        out: dict[str, Any] = {}
        for start in range(0, len(individual_ids), BATCH):
            chunk = individual_ids[start : start + BATCH]
            body = {"requests": [{"individual_id": i} for i in chunk]}
            response = await self.request("POST", path, json=body)
            try:
                # Decoded from the bytes: each ``body`` stays raw until its own ``code`` is known.
                batch = msgspec.json.decode(response.content, type=FinchBatch)
            except (msgspec.DecodeError, msgspec.ValidationError):
                raise self.error("rejected", "an unreadable batch answer", status=200) from None
            for item in batch.responses:
                if item.individual_id is None:
                    continue
                out[item.individual_id] = self._item(item.code, item.body, into)
            for missing in set(chunk) - set(out):
                out[missing] = self.error("not_found", "not in Finch's answer", status=200)
        return out

    def _item(self, code: int | None, body: msgspec.Raw, into: type[Any]) -> Any:
        if code is not None and not 200 <= code < 300:
            return self.error(kind_for_status(code), f"the read answered {code}", status=code)
        try:
            return msgspec.json.decode(bytes(body) or b"{}", type=into)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return self.error("rejected", "an unreadable record", status=code)

    async def individuals(
        self, individual_ids: Sequence[str]
    ) -> dict[str, FinchIndividual | VendorAPIError]:
        return await self._batch("/employer/individual", individual_ids, FinchIndividual)

    async def employments(
        self, individual_ids: Sequence[str]
    ) -> dict[str, FinchEmploymentRecord | VendorAPIError]:
        return await self._batch("/employer/employment", individual_ids, FinchEmploymentRecord)

    async def payments_on(self, pay_date: str) -> dict[str, FinchPayment]:
        """The payments paid on ``pay_date``, by id."""
        answer = await self.get(
            "/employer/payment", params={"start_date": pay_date, "end_date": pay_date}
        )
        try:
            found = msgspec.convert(answer, type=list[FinchPayment])
        except msgspec.ValidationError:
            raise self.error("rejected", "an unreadable payment list", status=200) from None
        return {p.id: p for p in found if p.id}


__all__ = ["API_URL", "API_VERSION", "FinchClient"]
