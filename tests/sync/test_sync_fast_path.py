"""The position fast path must be indistinguishable from full validation."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.server import changelog, push
from sync.server.auth import Principal
from sync.server.validate import fast_position, position_doc, stamps_json

WHO = Principal(1, "lia-gn", "gn", "liaison", None, "0190a0a0-0000-7000-8000-0000000000aa")
UUIDS = st.uuids(version=4).map(str)
NUM = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-200, 200), st.booleans(),
                st.text(max_size=3), st.none())
TIMES = st.one_of(
    st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(
        lambda d: d.isoformat().replace("+00:00", "Z")),
    st.sampled_from(["2026-02-30T10:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T17:00:00.5Z",
                     "2026-11-29T17:00:00.000Z", "2026-11-29T17:00:00.123Z", "2026-11-29T17:00:00",
                     "2026-11-29T17:00:00+02:00", "0000-01-01T00:00:00Z", "2026-11-29T17:00:00.123456Z"]),
)


@st.composite
def position_items(draw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"unit_id": draw(st.one_of(UUIDS, st.just("not-a-uuid"))),
                              "lat": draw(st.one_of(st.floats(-91, 91), NUM)),
                              "lon": draw(st.one_of(st.floats(-181, 181), NUM)),
                              "observed_at": draw(TIMES)}
    if draw(st.booleans()):
        fields["accuracy_m"] = draw(st.one_of(st.floats(-1, 2e6), NUM))
    if draw(st.booleans()):
        fields["source"] = draw(st.sampled_from(["gps", "manual", "radio", "relay", "imported", "psychic"]))
    if draw(st.booleans()):
        fields["note"] = draw(st.one_of(st.text(max_size=20), st.integers()))
    if draw(st.booleans()):
        fields["reported_by"] = draw(st.text(max_size=5))
    if draw(st.integers(0, 9)) == 0:
        fields["extra"] = 1
    item: dict[str, Any] = {"change_id": draw(UUIDS), "entity": "position", "entity_id": draw(UUIDS),
                            "op": "append", "fields": fields,
                            "hlc": draw(st.sampled_from(["1764400000000-0001-n1", "bad-hlc"]))}
    if draw(st.booleans()):
        item["base"] = draw(st.sampled_from([{}, None, {"lat": "1764400000000-0001-n1"}]))
    return item


@settings(max_examples=600, deadline=None)
@given(position_items())
def test_fast_path_agrees_with_pydantic(item: dict[str, Any]) -> None:
    """Proves the fast path accepts only what full validation accepts, normalised identically, same doc bytes."""
    fast = fast_position(item, 0)
    slow = push._prepare_one(item, 0, WHO)
    if fast is None:
        return  # falls back to the full path by design
    assert isinstance(slow, push.Prepared), (item, slow)
    assert fast.fields == slow.fields and fast.hlc == slow.hlc and fast.entity_id == slow.entity_id
    fast.fields["reported_by"] = slow.fields["reported_by"] = WHO.username
    fast.scope = slow.scope = fast.fields["unit_id"]
    stamps = stamps_json(WHO.username, WHO.device_id, "2026-11-29T17:00:00.000000Z")
    general = changelog.make_row(7, slow.change_id, slow.entity, slow.entity_id, slow.op, slow.fields,
                                 slow.base, slow.hlc, author=WHO.username, device_id=WHO.device_id,
                                 received_at="2026-11-29T17:00:00.000000Z", scope=slow.scope)["doc"]
    assert position_doc(fast, 7, stamps) == general
    json.loads(general)


def test_typical_client_positions_take_the_fast_path() -> None:
    """Proves the shapes clients send are handled by the fast path (so the test above is not vacuous)."""
    from sync_helpers import position

    for t in ("2026-11-29T17:00:00Z", "2026-11-29T17:00:00.123Z", "2026-11-29T17:00:00.123456Z"):
        item = position("0190a0a0-0000-7000-8000-000000000001", observed_at=t)
        assert fast_position(item, 0) is not None
