"""An async client for SmartRecruiters' Webhooks API: subscriptions, their activation and their
secret keys.

Every call goes to ``{base}/webhooks-api/v201907/...`` with JSON bodies, authenticated with an
API key (``X-SmartToken``) or an OAuth access token (``Authorization: Bearer``). A subscription is
created ``inactive``; ``PUT .../activation`` makes SmartRecruiters POST an ``X-Hook-Secret`` to the
callback URL, which must echo it in a ``200`` within 20 seconds, and then answers ``204``. A new
secret key leaves the previous ones valid for 24 hours. Credentials and keys never appear in a
repr or an error message; the client sends only through the ``httpx.AsyncClient`` it is given.
"""

from __future__ import annotations

from typing import Any, Final

import httpx
import msgspec

from providers.client import Auth, BearerAuth, HeaderAuth, VendorClient, path_segment

API_URL: Final = "https://api.smartrecruiters.com"
PREFIX: Final = "/webhooks-api/v201907/subscriptions"


class SmartRecruitersEvent(msgspec.Struct, kw_only=True):
    name: str
    version: str | None = None


class SmartRecruitersSubscription(msgspec.Struct, kw_only=True, rename="camel"):
    """A subscription as SmartRecruiters returns it."""

    id: str
    callback_url: str = ""
    events: list[SmartRecruitersEvent] = msgspec.field(default_factory=list)
    status: str | None = None


class _SecretKey(msgspec.Struct, rename="camel"):
    secret_key: str


def credentials_auth(api_key: str | None, access_token: str | None) -> Auth:
    """``X-SmartToken`` for an API key, else ``Authorization: Bearer`` for an OAuth token."""
    if api_key:
        return HeaderAuth({"x-smarttoken": api_key})
    return BearerAuth(access_token or "")


class SmartRecruitersClient(VendorClient):
    """SmartRecruiters' subscription calls for one set of credentials."""

    vendor = "SmartRecruiters"

    def __init__(self, http: httpx.AsyncClient, auth: Auth, *, base_url: str = API_URL) -> None:
        super().__init__(http, base_url, auth)

    async def create(
        self, callback_url: str, events: list[str], alerting_email: str | None = None
    ) -> SmartRecruitersSubscription:
        body: dict[str, Any] = {"callbackUrl": callback_url, "events": events}
        if alerting_email:
            body["alertingEmailAddress"] = alerting_email
        return self._subscription(await self.post(PREFIX, json=body), "create")

    async def subscription(self, subscription_id: str) -> SmartRecruitersSubscription:
        found = await self.get(f"{PREFIX}/{path_segment(subscription_id)}")
        return self._subscription(found, "get")

    async def activate(self, subscription_id: str) -> None:
        await self.request("PUT", f"{PREFIX}/{path_segment(subscription_id)}/activation")

    async def new_secret_key(self, subscription_id: str) -> str:
        """A new signing key; the previous ones stay valid for 24 hours."""
        answer = await self.post(f"{PREFIX}/{path_segment(subscription_id)}/secret-key")
        try:
            key = msgspec.convert(answer, _SecretKey).secret_key
        except msgspec.ValidationError:
            raise self.error("rejected", "secret-key answered no secretKey", status=201) from None
        return key

    async def delete_subscription(self, subscription_id: str) -> None:
        await self.request("DELETE", f"{PREFIX}/{path_segment(subscription_id)}")

    def _subscription(self, found: Any, doing: str) -> SmartRecruitersSubscription:
        return self.read_endpoint(
            found, SmartRecruitersSubscription, doing=doing, what="subscription"
        )
