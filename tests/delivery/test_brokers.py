"""Message broker destinations against real servers: RabbitMQ and NATS (Debian's, started by
the tests) and SQS (moto's server). One server of each for the session; only the restart test
stops and starts its broker."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import shutil
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import nats
import pytest
from aiobotocore.session import get_session
from standardwebhooks.webhooks import Webhook

from tests.conftest import ADMIN, ADMIN_TOKEN, _sqlite_template
from tests.console.test_http import csrf_of, sign_in
from tests.delivery.conftest import deliveries_of, eventually, ingest, settled
from tests.gateway.helpers import connect
from tests.support.brokers import MotoServer, NATSServer, RabbitMQServer

pytestmark = pytest.mark.xdist_group("brokers")  # one worker starts the servers, once

SQS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SQS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"


@pytest.fixture
async def database_url(tmp_path: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite only: what is under test is the broker side, the queue is the same on both."""
    url = f"sqlite+aiosqlite:///{tmp_path}/unihook.db"
    shutil.copyfile(await _sqlite_template(tmp_path_factory), url.split(":///", 1)[1])
    return url


async def subscribe_to(client: Any, destination: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {"destination": destination, "events": ["*"], **extra}
    response = await client.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def ingest_many(client: Any, n: int) -> list[str]:
    return [await ingest(client) for _ in range(n)]


async def subject_of(client: Any, event_id: str) -> str:
    response = await client.get(f"/v1/events/{event_id}", headers=ADMIN)
    subject: str = response.json()["subject"]
    return subject


def verified(secret: str, headers: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The body, once the Standard Webhooks library accepts its signature."""
    wanted = {k: str(v) for k, v in headers.items() if k.startswith("webhook-")}
    payload: dict[str, Any] = Webhook(secret).verify(body, wanted)
    return payload


# ---- RabbitMQ ---------------------------------------------------------------------------------


@pytest.fixture
async def rabbit_queue(rabbitmq_server: RabbitMQServer) -> AsyncIterator[tuple[str, Any]]:
    """An exchange bound to a queue, declared as an operator would (durable): (name, queue)."""
    name = f"hr-{uuid.uuid4().hex[:8]}"
    connection = await aio_pika.connect(rabbitmq_server.url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(name, aio_pika.ExchangeType.DIRECT, durable=True)
    queue = await channel.declare_queue(name, durable=True)
    await queue.bind(exchange, routing_key="events")
    try:
        yield name, queue
    finally:
        with contextlib.suppress(Exception):  # gone with the broker in the restart test
            await connection.close()


async def drain(queue: Any, n: int) -> list[Any]:
    """The messages on ``queue`` once ``n`` arrived (and a moment for any extra one)."""
    got: list[Any] = []

    async def check() -> bool:
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            got.append(message)
        return len(got) >= n

    await eventually(check, timeout=20)
    await asyncio.sleep(0.3)
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        got.append(message)
    return got


async def test_rabbitmq_receives_each_event_once_in_resource_order(
    gateway: Any, rabbitmq_server: RabbitMQServer, rabbit_queue: tuple[str, Any]
) -> None:
    exchange, queue = rabbit_queue
    await connect(gateway, "breezy")
    sub = await subscribe_to(
        gateway,
        {
            "type": "rabbitmq",
            "url": rabbitmq_server.url,
            "exchange": exchange,
            "routing_key": "events",
        },
        ordering="resource",
        format="cloudevents",
    )
    assert sub["url"].startswith("amqp://guest:***@127.0.0.1:")
    event_ids = await ingest_many(gateway, 5)
    assert len({await subject_of(gateway, e) for e in event_ids}) == 1  # one resource
    messages = await drain(queue, 5)
    assert [m.headers["webhook-id"] for m in messages] == event_ids  # once each, in order
    for message, event_id in zip(messages, event_ids, strict=True):
        assert verified(sub["secret"], message.headers, message.body)["id"] == event_id
        assert message.content_type == "application/json"
        assert message.headers["cloudEvents_id"] == event_id
        assert message.headers["cloudEvents_type"] == "ats.application.created"
    for event_id in event_ids:
        [delivery] = await settled(gateway, event_id)
        assert delivery["status"] == "succeeded"
        assert [a["status_code"] for a in delivery["attempts"]] == [200]


async def test_an_unroutable_message_is_a_failed_attempt(
    gateway: Any, rabbitmq_server: RabbitMQServer, rabbit_queue: tuple[str, Any]
) -> None:
    exchange, _ = rabbit_queue
    await connect(gateway, "breezy")
    await subscribe_to(
        gateway,
        {
            "type": "rabbitmq",
            "url": rabbitmq_server.url,
            "exchange": exchange,
            "routing_key": "nobody",
        },
    )
    [delivery] = await settled(gateway, await ingest(gateway))
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 3  # retried on the schedule
    assert delivery["attempts"][0]["error"].startswith("unroutable")


async def test_a_missing_exchange_is_a_failed_attempt_and_is_not_declared(
    gateway: Any, rabbitmq_server: RabbitMQServer
) -> None:
    await connect(gateway, "breezy")
    await subscribe_to(
        gateway, {"type": "rabbitmq", "url": rabbitmq_server.url, "exchange": "never-declared"}
    )
    [delivery] = await settled(gateway, await ingest(gateway))
    assert delivery["status"] == "failed"
    assert "exchange 'never-declared' not found" in delivery["attempts"][0]["error"]
    connection = await aio_pika.connect(rabbitmq_server.url)
    try:
        with pytest.raises(aio_pika.exceptions.ChannelNotFoundEntity):
            await (await connection.channel()).get_exchange("never-declared", ensure=True)
    finally:
        await connection.close()


# ---- NATS -------------------------------------------------------------------------------------


@pytest.fixture
async def nats_stream(nats_server: NATSServer) -> AsyncIterator[tuple[str, Any]]:
    """A JetStream stream over ``<name>.>``: (name, jetstream context)."""
    name = f"hr{uuid.uuid4().hex[:8]}"
    client = await nats.connect(nats_server.url)
    js = client.jetstream()
    await js.add_stream(name=name, subjects=[f"{name}.>"])
    try:
        yield name, js
    finally:
        with contextlib.suppress(Exception):
            await client.close()


async def stream_messages(js: Any, stream: str, n: int) -> list[Any]:
    async def count() -> bool:
        info = await js.stream_info(stream)
        return bool(info.state.messages >= n)

    await eventually(count, timeout=20)
    await asyncio.sleep(0.3)
    total = (await js.stream_info(stream)).state.messages
    return [await js.get_msg(stream, seq) for seq in range(1, total + 1)]


async def test_a_nats_jetstream_stream_stores_each_event_once_in_resource_order(
    gateway: Any, nats_server: NATSServer, nats_stream: tuple[str, Any]
) -> None:
    stream, js = nats_stream
    await connect(gateway, "breezy")
    sub = await subscribe_to(
        gateway,
        {"type": "nats", "url": nats_server.url, "subject": f"{stream}.hr"},
        ordering="resource",
    )
    event_ids = await ingest_many(gateway, 5)
    messages = await stream_messages(js, stream, 5)
    assert [m.headers["webhook-id"] for m in messages] == event_ids
    for message, event_id in zip(messages, event_ids, strict=True):
        assert verified(sub["secret"], message.headers, message.data)["id"] == event_id
        assert message.headers["Nats-Msg-Id"].startswith("dlv_")  # the delivery: retries dedup
    [delivery] = await settled(gateway, event_ids[0])
    assert delivery["attempts"][0]["status_code"] == 200
    assert delivery["attempts"][0]["response_snippet"].startswith(f"stored in stream {stream}")


async def test_a_replay_reaches_the_stream_again_past_its_duplicate_window(
    gateway: Any, nats_server: NATSServer, nats_stream: tuple[str, Any]
) -> None:
    stream, js = nats_stream
    await connect(gateway, "breezy")
    sub = await subscribe_to(
        gateway, {"type": "nats", "url": nats_server.url, "subject": f"{stream}.hr"}
    )
    event_id = await ingest(gateway)
    await stream_messages(js, stream, 1)
    replayed = await gateway.post(
        f"/v1/subscriptions/{sub['id']}/replay",
        json={"since": "2000-01-01T00:00:00Z"},
        headers=ADMIN,
    )
    assert replayed.json() == {"enqueued": 1}
    first, again = await stream_messages(js, stream, 2)
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == event_id
    assert first.headers["Nats-Msg-Id"] != again.headers["Nats-Msg-Id"]  # one per delivery


async def test_core_nats_when_no_stream_has_the_subject(
    gateway: Any, nats_server: NATSServer
) -> None:
    client = await nats.connect(nats_server.url)
    inbox = await client.subscribe("plain.hr")
    await client.flush()
    try:
        await connect(gateway, "breezy")
        await subscribe_to(gateway, {"type": "nats", "url": nats_server.url, "subject": "plain.hr"})
        event_id = await ingest(gateway)
        message = await inbox.next_msg(timeout=20)
        assert message.headers["webhook-id"] == event_id
        [delivery] = await settled(gateway, event_id)
        assert delivery["attempts"][0]["response_snippet"] == "published (core NATS)"
    finally:
        await client.close()


async def test_the_consoles_test_event_is_published_to_the_broker(
    gateway: Any, nats_server: NATSServer
) -> None:
    client = await nats.connect(nats_server.url)
    inbox = await client.subscribe("probe.hr")
    await client.flush()  # the server has the subscription before anything is published
    try:
        sub = await subscribe_to(
            gateway, {"type": "nats", "url": nats_server.url, "subject": "probe.hr"}
        )
        await sign_in(gateway, ADMIN_TOKEN)
        page = (await gateway.get(f"/console/subscriptions/{sub['id']}")).text
        answer = await gateway.post(
            f"/console/subscriptions/{sub['id']}/test", data={"csrf_token": csrf_of(page)}
        )
        assert "answered 200" in html.unescape(answer.text)
        message = await inbox.next_msg(timeout=20)
        event = verified(sub["secret"], message.headers, message.data)
        assert event["type"] == "connection.test"
    finally:
        await client.close()


# ---- SQS --------------------------------------------------------------------------------------


@pytest.fixture
async def sqs_client(sqs_server: MotoServer) -> AsyncIterator[Any]:
    async with get_session().create_client(
        "sqs",
        region_name="eu-west-1",
        endpoint_url=sqs_server.url,
        aws_access_key_id=SQS_KEY_ID,
        aws_secret_access_key=SQS_SECRET,
    ) as client:
        yield client


async def test_an_sqs_fifo_queue_gets_each_event_once_grouped_by_subject(
    gateway: Any, sqs_server: MotoServer, sqs_client: Any
) -> None:
    name = f"hr-{uuid.uuid4().hex[:8]}.fifo"
    made = await sqs_client.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})
    queue_url = made["QueueUrl"]
    await connect(gateway, "breezy")
    sub = await subscribe_to(
        gateway,
        {
            "type": "sqs",
            "queue_url": queue_url,
            "region": "eu-west-1",
            "access_key_id": SQS_KEY_ID,
            "secret_access_key": SQS_SECRET,
            "endpoint_url": sqs_server.url,
        },
        ordering="resource",
    )
    assert SQS_SECRET not in json.dumps(sub)
    event_ids = await ingest_many(gateway, 5)
    for event_id in event_ids:
        [delivery] = await settled(gateway, event_id)
        assert delivery["status"] == "succeeded", delivery
    subject = await subject_of(gateway, event_ids[0])
    got: list[Any] = []
    for _ in range(10):
        answer = await sqs_client.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        for message in answer.get("Messages", []):
            got.append(message)
            await sqs_client.delete_message(
                QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        if not answer.get("Messages") and len(got) >= 5:
            break
    ids = [m["MessageAttributes"]["webhook-id"]["StringValue"] for m in got]
    assert ids == event_ids
    for message in got:
        assert message["Attributes"]["MessageGroupId"] == subject
        headers = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
        assert verified(sub["secret"], headers, message["Body"].encode())
        assert message["Attributes"]["MessageDeduplicationId"].startswith("dlv_")


# ---- the broker stopped and started again ------------------------------------------------------


RESTART = pytest.mark.parametrize(
    "overrides", [{"retry_schedule": (0.5,) * 80, "delivery_timeout": 2.0}]
)


async def delivered_across_a_restart(
    gateway: Any, server: Any, destination: dict[str, Any]
) -> tuple[str, str]:
    """Deliver one event, stop the broker, ingest a second (its attempts fail), start the
    broker again: the second's retries succeed. The two event ids."""
    await connect(gateway, "breezy")
    await subscribe_to(gateway, destination)
    first = await ingest(gateway)  # delivered while it runs: the sender holds a connection
    await eventually(lambda: _succeeded(gateway, first), timeout=20)
    await asyncio.to_thread(server.stop)
    try:
        second = await ingest(gateway)

        async def failed_once() -> bool:
            [delivery] = await deliveries_of(gateway, second)
            return delivery["status"] == "pending" and len(delivery["attempts"]) >= 1

        await eventually(failed_once, timeout=20)
    finally:
        await asyncio.to_thread(server.start)
    [delivery] = await eventually(lambda: _succeeded(gateway, second), timeout=40)
    assert delivery["attempts"][0]["error"]
    assert delivery["attempts"][-1]["status_code"] == 200
    return first, second


@RESTART
async def test_rabbitmq_delivery_survives_the_broker_stopped_and_started_again(
    gateway: Any, rabbitmq_server: RabbitMQServer, rabbit_queue: tuple[str, Any]
) -> None:
    exchange, queue = rabbit_queue
    destination = {
        "type": "rabbitmq",
        "url": rabbitmq_server.url,
        "exchange": exchange,
        "routing_key": "events",
    }
    first, second = await delivered_across_a_restart(gateway, rabbitmq_server, destination)
    connection = await aio_pika.connect(rabbitmq_server.url)  # the fixture's went with the broker
    try:
        channel = await connection.channel()
        durable = await channel.declare_queue(queue.name, durable=True, passive=True)
        got = await drain(durable, 2)
    finally:
        await connection.close()
    assert [m.headers["webhook-id"] for m in got] == [first, second]


@RESTART
async def test_nats_delivery_survives_the_server_stopped_and_started_again(
    gateway: Any, nats_server: NATSServer, nats_stream: tuple[str, Any]
) -> None:
    stream, _ = nats_stream
    destination = {"type": "nats", "url": nats_server.url, "subject": f"{stream}.hr"}
    first, second = await delivered_across_a_restart(gateway, nats_server, destination)
    client = await nats.connect(nats_server.url)
    try:
        got = await stream_messages(client.jetstream(), stream, 2)
    finally:
        await client.close()
    assert [m.headers["webhook-id"] for m in got] == [first, second]


async def _succeeded(client: Any, event_id: str) -> list[dict[str, Any]] | None:
    deliveries = await deliveries_of(client, event_id)
    return deliveries if deliveries and deliveries[0]["status"] == "succeeded" else None


# ---- hostile input and secrets ------------------------------------------------------------------


BAD = [
    ("not an object", "destination must be an object"),
    ({"type": "kafka", "url": "kafka://x"}, "unknown destination type 'kafka'"),
    ({"type": 7}, "unknown destination type"),
    ({"type": "rabbitmq", "exchange": "x"}, "url must be a amqps:// URL"),
    ({"type": "rabbitmq", "url": "http://h/", "exchange": "x"}, "url must be a amqps:// URL"),
    ({"type": "rabbitmq", "url": "amqp://h:99999/", "exchange": "x"}, "not a valid URL"),
    ({"type": "rabbitmq", "url": "amqp://h/ x", "exchange": "x"}, "url must be a amqps:// URL"),
    ({"type": "rabbitmq", "url": "amqp://h/", "exchange": "x" * 300}, "at most 255"),
    ({"type": "rabbitmq", "url": "amqp://h/", "exchange": "x", "durable": True}, "unknown field"),
    ({"type": "rabbitmq", "url": "amqp://h/"}, "exchange must be a non-empty string"),
    ({"type": "nats", "url": "nats://h:4222", "subject": "hr.*"}, "no wildcards"),
    ({"type": "nats", "url": "nats://h:4222", "subject": "hr..x"}, "no wildcards"),
    ({"type": "nats", "url": "nats://h:4222", "subject": "h r"}, "no spaces"),
    ({"type": "nats", "url": "nats://h:4222"}, "subject must be a non-empty string"),
    (
        {
            "type": "sqs",
            "queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q",
            "region": "mars",
            "access_key_id": SQS_KEY_ID,
            "secret_access_key": "s",
        },
        "region must be an AWS region",
    ),
    (
        {
            "type": "sqs",
            "queue_url": "https://sqs.eu-west-1.amazonaws.com/q",
            "region": "eu-west-1",
            "access_key_id": SQS_KEY_ID,
            "secret_access_key": "s",
        },
        "queue_url must be a queue's URL",
    ),
    (
        {
            "type": "sqs",
            "queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q",
            "region": "eu-west-1",
            "access_key_id": "a b",
            "secret_access_key": "s",
        },
        "access_key_id must be",
    ),
]


async def test_malformed_destinations_are_400s(gateway: Any) -> None:
    for destination, detail in BAD:  # one gateway for them all: each is one request
        body = {"destination": destination, "events": ["*"]}
        response = await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)
        assert response.status_code == 400, response.text
        assert response.json()["detail"].startswith("Invalid destination: ")
        assert detail in response.json()["detail"]
    assert (await gateway.get("/v1/subscriptions", headers=ADMIN)).json()["data"] == []


async def test_url_and_destination_together_are_a_400(gateway: Any) -> None:
    body = {
        "url": "https://hooks.example.com/x",
        "destination": {"type": "http", "url": "https://hooks.example.com/y"},
        "events": ["*"],
    }
    response = await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 400
    assert response.json()["detail"] == "give either url or destination, not both"


async def test_an_http_destination_object_is_a_url(gateway: Any) -> None:
    body = {"destination": {"type": "http", "url": "https://hooks.example.com/y"}, "events": ["*"]}
    response = await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 201
    assert response.json()["url"] == "https://hooks.example.com/y"
    assert response.json()["destination"] == {"type": "http", "url": "https://hooks.example.com/y"}


async def test_a_missing_extra_is_a_400_naming_it(
    gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "aio_pika", None)  # as if unihook[rabbitmq] were absent
    body = {
        "destination": {"type": "rabbitmq", "url": "amqp://h/", "exchange": "x"},
        "events": ["*"],
    }
    response = await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 400
    assert "pip install 'unihook[rabbitmq]'" in response.json()["detail"]


PRIVATE = [
    ({"type": "rabbitmq", "url": "amqps://127.0.0.1/", "exchange": "x"}, "a loopback address"),
    ({"type": "rabbitmq", "url": "amqps://10.0.0.8/", "exchange": "x"}, "a private address"),
    ({"type": "nats", "url": "tls://localhost:4222", "subject": "x"}, "a loopback name"),
    (
        {"type": "nats", "url": "nats://broker.example.com", "subject": "x"},
        "needs UNIHOOK_ALLOW",
    ),
    (
        {
            "type": "sqs",
            "queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q",
            "region": "eu-west-1",
            "access_key_id": SQS_KEY_ID,
            "secret_access_key": "s",
            "endpoint_url": "https://169.254.169.254",
        },
        "a link-local address",
    ),
]


@pytest.mark.parametrize("overrides", [{"allow_insecure_destinations": False}])
async def test_private_broker_hosts_are_refused(gateway: Any) -> None:
    for destination, detail in PRIVATE:
        body = {"destination": destination, "events": ["*"]}
        response = await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)
        assert response.status_code == 400, response.text
        assert detail in response.json()["detail"]


async def test_broker_credentials_never_appear_in_answers_pages_or_logs(
    gateway: Any, rabbitmq_server: RabbitMQServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = "Sup3r-S3cret-pw"
    url = rabbitmq_server.url.replace("guest:guest", f"intruder:{password}")
    await connect(gateway, "breezy")
    sub = await subscribe_to(gateway, {"type": "rabbitmq", "url": url, "exchange": "x"})
    assert sub["destination"]["url"] == url.replace(password, "***")
    sqs = await subscribe_to(
        gateway,
        {
            "type": "sqs",
            "queue_url": "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
            "region": "eu-west-1",
            "access_key_id": SQS_KEY_ID,
            "secret_access_key": SQS_SECRET,
        },
        providers=["lever"],  # never sent to: this machine sends nothing to AWS
    )
    assert sqs["destination"]["access_key_id"] == "AKIA***"
    [delivery] = await settled(gateway, await ingest(gateway))  # the SQS one takes Lever's only
    assert delivery["status"] == "failed"
    assert "refused the credentials" in delivery["attempts"][0]["error"]
    await sign_in(gateway, ADMIN_TOKEN)
    pages = [
        (await gateway.get("/v1/subscriptions", headers=ADMIN)).text,
        (await gateway.get(f"/v1/subscriptions/{sub['id']}", headers=ADMIN)).text,
        (await gateway.get(f"/v1/subscriptions/{sqs['id']}", headers=ADMIN)).text,
        (await gateway.get(f"/v1/subscriptions/{sub['id']}/deliveries", headers=ADMIN)).text,
        (await gateway.get("/console/subscriptions")).text,
        (await gateway.get(f"/console/subscriptions/{sub['id']}")).text,
        (await gateway.get(f"/console/subscriptions/{sqs['id']}")).text,
        caplog.text,
    ]
    assert "intruder:***@" in pages[5]
    for text in pages:
        assert password not in text
        assert SQS_SECRET not in text


async def test_the_console_form_makes_a_broker_subscription_and_never_echoes_its_password(
    gateway: Any,
) -> None:
    await sign_in(gateway, ADMIN_TOKEN)

    async def post(**fields: str) -> Any:
        token = csrf_of((await gateway.get("/console/subscriptions")).text)
        form = {"csrf_token": token, "events": "*", **fields}
        return await gateway.post("/console/subscriptions", data=form)

    made = await post(
        destination_type="rabbitmq",
        url="amqp://hooks:Form-Pw-123@127.0.0.1:5672/hr",
        destination='{"exchange": "hr-events", "routing_key": "unihook"}',
    )
    assert made.status_code == 200, made.text
    assert "Form-Pw-123" not in made.text
    [sub] = (await gateway.get("/v1/subscriptions", headers=ADMIN)).json()["data"]
    assert sub["destination"] == {
        "type": "rabbitmq",
        "url": "amqp://hooks:***@127.0.0.1:5672/hr",
        "exchange": "hr-events",
        "routing_key": "unihook",
    }
    page = html.unescape((await gateway.get(f"/console/subscriptions/{sub['id']}")).text)
    assert "<dt>Destination</dt><dd>rabbitmq" in page
    assert "amqp://hooks:***@127.0.0.1:5672/hr" in page
    assert "Form-Pw-123" not in page
    refused = await post(
        destination_type="nats",
        url="nats://hooks:Form-Pw-456@127.0.0.1:4222",
        destination='{"subject": "hr.*"}',
    )
    assert refused.status_code == 400
    assert "no wildcards" in html.unescape(refused.text)
    assert "Form-Pw-456" not in refused.text


async def test_put_changes_the_destination_and_never_returns_its_credentials(
    gateway: Any,
) -> None:
    body = {"url": "https://hooks.example.com/x", "events": ["*"]}
    made = (await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)).json()
    nats_url = "nats://hooks:Put-Pw-789@127.0.0.1:4222"
    changed = await gateway.put(
        f"/v1/subscriptions/{made['id']}",
        json={"destination": {"type": "nats", "url": nats_url, "subject": "hr.events"}},
        headers=ADMIN,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["url"] == "nats://hooks:***@127.0.0.1:4222"
    assert changed.json()["destination"]["type"] == "nats"
    assert "Put-Pw-789" not in changed.text
    back = await gateway.put(
        f"/v1/subscriptions/{made['id']}",
        json={"url": "https://hooks.example.com/y"},
        headers=ADMIN,
    )
    assert back.json()["destination"] == {"type": "http", "url": "https://hooks.example.com/y"}
