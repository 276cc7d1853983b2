"""Messages are CloudEvents 1.0 structured JSON that a foreign consumer can read."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from tessera.application.contracts.catalog import ProductListed
from tessera.application.shared.envelope import (
    MAX_MESSAGE_BYTES,
    Cause,
    Envelope,
    MalformedMessage,
    caused_by,
)
from tessera.application.shared.integration import (
    UnknownEventType,
    UnsupportedEventVersion,
    publisher_of,
    registered_events,
)

LISTED = ProductListed(sku="MUG-1", price=Decimal("12.50"), currency="EUR")


def test_an_event_travels_as_a_cloudevent_a_foreign_sdk_can_read() -> None:
    with caused_by(Cause(correlation_id="conversation-1", causation_id="command-1")):
        envelope = Envelope.wrap(LISTED)
    event = JSONFormat().read(CloudEvent, envelope.to_json())
    assert event.get_specversion() == "1.0"
    assert event.get_id() == envelope.id
    assert event.get_source() == "catalog"
    assert event.get_type() == "tessera.catalog.ProductListed.v2"
    assert event.get_subject() == "MUG-1"
    assert event.get_datacontenttype() == "application/json"
    assert event.get_dataschema() == "urn:tessera:schema:tessera.catalog.ProductListed.v2"
    assert event.get_time() == envelope.time
    assert event.get_extension("correlationid") == "conversation-1"
    assert event.get_extension("causationid") == "command-1"
    assert event.get_data() == {"sku": "MUG-1", "price": "12.50", "currency": "EUR"}


def test_an_envelope_round_trips_to_the_same_event() -> None:
    envelope = Envelope.wrap(LISTED)
    again = Envelope.from_json(envelope.to_json())
    assert again == envelope
    assert again.event() == LISTED


def test_a_message_outside_any_conversation_starts_its_own() -> None:
    first, second = Envelope.wrap(LISTED), Envelope.wrap(LISTED)
    assert first.correlationid != second.correlationid
    assert first.causationid is None


def test_handling_a_message_makes_it_the_cause_of_what_follows() -> None:
    cause = Envelope.wrap(LISTED)
    with caused_by(cause.as_cause()):
        effect = Envelope.wrap(LISTED)
    assert (effect.correlationid, effect.causationid) == (cause.correlationid, cause.id)


@pytest.mark.parametrize(
    "text",
    ["{not json", "[]", json.dumps({"specversion": "0.3"}), json.dumps({"specversion": "1.0"})],
)
def test_a_message_that_is_not_a_cloudevents_envelope_is_malformed(text: str) -> None:
    with pytest.raises(MalformedMessage):
        Envelope.from_json(text)


def test_unknown_types_and_versions_are_told_apart() -> None:
    document = json.loads(Envelope.wrap(LISTED).to_json())
    unknown = Envelope.from_json(json.dumps({**document, "type": "tessera.catalog.Renamed.v1"}))
    with pytest.raises(UnknownEventType, match="no context publishes"):
        unknown.event()
    future = Envelope.from_json(
        json.dumps({**document, "type": "tessera.catalog.ProductListed.v7"})
    )
    with pytest.raises(UnsupportedEventVersion, match="version 7 is not supported"):
        future.event()


def test_data_that_does_not_fit_the_event_is_malformed() -> None:
    document = json.loads(Envelope.wrap(LISTED).to_json())
    broken = Envelope.from_json(json.dumps({**document, "data": {"sku": "MUG-1"}}))
    with pytest.raises(MalformedMessage, match="data does not fit"):
        broken.event()


def test_every_event_type_is_named_after_its_context_and_versioned() -> None:
    for event_type, cls in registered_events().items():
        context, name, version = event_type.removeprefix("tessera.").split(".")
        assert cls.__module__ == f"tessera.application.contracts.{context}"
        assert cls.__name__ in (name, f"{name}{version.upper()}")  # an older one: NameV1
        assert version.startswith("v")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"id": "7" * 33}, "'id' is longer than 32 characters"),
        ({"subject": "a b"}, "'subject' holds a space"),
        ({"correlationid": "é"}, "'correlationid' holds a space or a character not printable"),
        ({"causationid": 7}, "'causationid' is missing or not text"),
        ({"id": "ab\u0000cd"}, "id holds a NUL character"),
        ({"data": {"sku": "MUG-1", "name": ["a", "b\u0000"]}}, r"data.name\[1\] holds a NUL"),
    ],
)
def test_an_envelope_outside_its_bounds_is_malformed_and_says_where(
    change: dict[str, object], says: str
) -> None:
    document = json.loads(Envelope.wrap(LISTED).to_json())
    with pytest.raises(MalformedMessage, match=says):
        Envelope.from_json(json.dumps({**document, **change}))


def test_a_message_over_the_size_limit_is_not_even_parsed() -> None:
    with pytest.raises(MalformedMessage, match=f"larger than {MAX_MESSAGE_BYTES:,} bytes"):
        Envelope.from_json("[" + " " * MAX_MESSAGE_BYTES + "]")


def test_data_that_does_not_fit_names_the_field() -> None:
    document = json.loads(Envelope.wrap(LISTED).to_json())
    data = {**document["data"], "price": ["no"]}
    broken = Envelope.from_json(json.dumps({**document, "data": data}))
    with pytest.raises(MalformedMessage, match=r"@ data\.price"):
        broken.event()


def test_an_older_version_is_published_beside_a_newer_one_until_its_window_ends() -> None:
    from tessera.application.contracts import ROLLOUT_ENDS
    from tessera.application.contracts.catalog import ProductListedV1, ProductPriceChanged
    from tessera.application.shared.integration import (
        PublishedForm,
        publish_alongside,
        published_forms,
    )

    newer, older = LISTED, ProductListedV1("MUG-1", "Mug", Decimal("12.50"), "EUR")
    forms = published_forms([newer, older], ROLLOUT_ENDS)
    assert forms == [
        PublishedForm(newer, alongside=("tessera.catalog.ProductListed.v1",)),
        PublishedForm(older, superseded_by="tessera.catalog.ProductListed.v2"),
    ]
    after = ROLLOUT_ENDS + timedelta(days=1)
    assert published_forms([newer, older], after) == [PublishedForm(newer)]
    assert published_forms([older], ROLLOUT_ENDS) == [PublishedForm(older)]  # the old code
    with pytest.raises(TypeError, match="ProductListedV1 is published beside ProductListed"):
        published_forms([newer], ROLLOUT_ENDS)
    read = [
        Envelope.from_json(Envelope.wrap(f.event, None, f.alongside, f.superseded_by).to_json())
        for f in forms
    ]
    assert [(e.alongside, e.supersededby) for e in read] == [
        (("tessera.catalog.ProductListed.v1",), None),
        ((), "tessera.catalog.ProductListed.v2"),
    ]
    with pytest.raises(TypeError, match="is not an older version"):
        publish_alongside(ProductListed, ProductPriceChanged, ROLLOUT_ENDS)
    with pytest.raises(TypeError, match="is not an older version"):
        publish_alongside(ProductListedV1, ProductListed, ROLLOUT_ENDS)  # the wrong way round


def test_a_version_supersedes_only_an_earlier_version_of_the_same_event() -> None:
    from tessera.application.shared.integration import supersedes, version_of

    assert version_of("tessera.ordering.OrderPlaced.v12") == ("tessera.ordering.OrderPlaced", 12)
    assert version_of("com.example.OrderPlaced") is None
    placed = "tessera.ordering.OrderPlaced"
    assert supersedes(f"{placed}.v2", f"{placed}.v1")
    assert not supersedes(f"{placed}.v1", f"{placed}.v2")
    assert not supersedes(f"{placed}.v1", f"{placed}.v1")
    assert not supersedes("tessera.ordering.OrderCancelled.v2", f"{placed}.v1")
    assert not supersedes("com.example.OrderPlaced.v2", f"{placed}.v1")


def test_a_type_of_the_published_language_names_the_context_that_publishes_it() -> None:
    assert publisher_of("tessera.ordering.PaymentRequested.v2") == "ordering"
    with pytest.raises(UnknownEventType, match="not a type of Tessera's published language"):
        publisher_of("com.example.OrderPlaced")
