"""Gateway ids: unique, prefixed, and sorting as text in the order they were made."""

from __future__ import annotations

from gateway.core.ids import encode_id, id_floor, new_id, time_ordered


def test_ids_are_unique_and_increasing() -> None:
    ids = [new_id("evt") for _ in range(20000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(i.startswith("evt_") and len(i) == 30 for i in ids)


def test_text_order_is_time_order() -> None:
    last_of_999 = encode_id((999 << 80) | ((1 << 80) - 1))
    first_of_1000 = id_floor(1000)
    assert last_of_999 < first_of_1000 < encode_id((1000 << 80) | 1)
    assert id_floor(1_700_000_000_000) < time_ordered()


def test_encoding_is_crockford_base32_of_the_128_bits() -> None:
    """The same text as RFC 4648 base32 of the 16 bytes, in Crockford's alphabet."""
    import base64
    import random

    to_crockford = bytes.maketrans(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    )
    rng = random.Random(7)
    values = [0, 1, (1 << 128) - 1, 1 << 127, *(rng.getrandbits(128) for _ in range(2000))]
    for value in values:
        reference = base64.b32encode(value.to_bytes(16, "big") + b"\0")[:26].translate(to_crockford)
        assert encode_id(value) == reference.decode("ascii")


def test_a_batch_of_ids_is_unique_and_increasing_with_single_ones() -> None:
    from gateway.core.ids import new_ids

    made: list[str] = []
    for n in (1, 50, 0, 3, 1000):
        made.append(new_id("dlv"))
        batch = new_ids("dlv", n)
        assert len(batch) == n
        made.extend(batch)
    assert len(set(made)) == len(made)
    assert made == sorted(made)
    assert all(i.startswith("dlv_") and len(i) == 30 for i in made)
