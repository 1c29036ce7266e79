"""The fast path (one typed msgspec decode) and the descriptive path (Python checks
with codes) are derived from one entity definition; these tests prove they agree."""

from __future__ import annotations

import json
import uuid
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.protocol import ENTITIES, Problem, codec, envelope
from sync.protocol.entity import Entity
from sync.protocol.fields import (
    AnyValue,
    Bool,
    Choice,
    Int,
    MultiPolygon,
    Number,
    Polygon,
    Ref,
    Slug,
    SlugList,
    Text,
    Time,
    canonical_ids,
)

_ODD_TEXT = st.sampled_from(["", " ", " a", "a ", "a\u202eb", "a\x00b", "l1\nl2", "x" * 201,
                             "ok", "Alfa-1", "ñandú", "\t", "A*-1234567890"])
# Integers as wide as the widest numeric field of any entity, from the definitions.
_WIDEST = int(max(f.kind.hi for e in ENTITIES.values() for f in e.fields.values()
                  if isinstance(f.kind, Int | Number)))
_ANY = st.one_of(st.none(), st.booleans(), st.integers(-_WIDEST, _WIDEST),
                 st.floats(allow_nan=False, allow_infinity=False), _ODD_TEXT,
                 st.lists(st.sampled_from(["sedena", "gn", "Bad"]), max_size=3))


def _bad(kind: Any) -> st.SearchStrategy[Any]:
    """Values near or past the edges of a kind (and values of other kinds)."""
    edges: list[Any] = [None]
    if isinstance(kind, Int | Number):
        edges += [kind.lo - 1, kind.hi + 1, kind.hi + 0.5, 1e308, True]
    if isinstance(kind, Time):
        edges += ["2026-11-29T17:00:00", "2026-02-30T00:00:00Z", "yesterday", 1764400000]
    if isinstance(kind, Ref):
        edges += ["not-a-uuid", "{0190c3c1-1111-7111-8111-111111111111}", 5]
    if isinstance(kind, Slug):
        edges += ["Sedena", "-x", "a" * 41]
    if isinstance(kind, SlugList):
        edges += [["gn", "gn"], ["Bad"], "gn", ["gn"] * 51]
    if isinstance(kind, Text):
        edges += ["x" * (kind.max_len + 1), "x" * kind.max_len]
    if isinstance(kind, Polygon):
        edges += [
            [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],  # a bow tie: crosses itself
            [[[0, 0], [1, 0], [1, 1], [0, 1]]],  # not closed
            [[[0, 0], [1, 0], [0, 0]]],  # too short
            [[[0, 0], [181, 0], [1, 1], [0, 0]]],  # off the globe
            [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]],  # three numbers a point
            [[[0, 0], [1, 0], [1, 1], [0, 0]], [[5, 5], [6, 5], [6, 6], [5, 5]]],  # hole outside
            [[[i / 1000, 0] for i in range(9_999)] + [[0, 1], [0, 0]]],  # 10,001 points
            [], [[]], [["a", "b"]], {"type": "Polygon"},
        ]
    if isinstance(kind, Bool):
        edges += [0, 1, "true"]
    if isinstance(kind, MultiPolygon):
        square = [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]
        edges += [
            [[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]],  # a part crosses itself
            [square, [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]],  # parts overlap
            [[[[0, 0], [1, 0], [1, 1], [0, 1]]]],  # not closed
            square,  # a polygon where polygons are expected
            [[[[i / 1000, 0] for i in range(19_999)] + [[0, 1], [0, 0]]]],  # 20,001 points
            [[[[0, 0], [181, 0], [1, 1], [0, 0]]]], [], [[]], [[[]]],
        ]
    return st.sampled_from(edges) | _ANY


def _good(kind: Any) -> st.SearchStrategy[Any]:
    if isinstance(kind, Text):
        base = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_categories=("Cc",)), min_size=1,
                       max_size=min(kind.max_len, 30)).map(str.strip).filter(bool)
        if kind.pattern:
            return st.from_regex(kind.pattern, fullmatch=True).filter(
                lambda s: len(s) <= kind.max_len)
        return base
    if isinstance(kind, Choice):
        return st.sampled_from(kind.vocab.values)
    if isinstance(kind, Int):
        return st.integers(kind.lo, kind.hi)
    if isinstance(kind, Number):
        return st.floats(kind.lo, kind.hi, allow_nan=False) | st.integers(
            int(kind.lo), int(kind.hi))
    if isinstance(kind, Time):
        return st.sampled_from(["2026-11-29T17:00:00Z", "2026-11-29T17:00:00.120+02:00",
                                "2001-01-01T00:00:00.000001-06:00"])
    if isinstance(kind, Ref):
        return st.uuids().map(str) | st.sampled_from(
            ["0190C3C1-1111-7111-8111-111111111111", "0190c3c1111171118111111111111111"])
    if isinstance(kind, Slug):
        return st.sampled_from(["sedena", "pol-jal"])
    if isinstance(kind, SlugList):
        return st.lists(st.sampled_from(["sedena", "gn", "pol-jal"]), max_size=3, unique=True)
    if isinstance(kind, AnyValue):
        return _ANY
    if isinstance(kind, Polygon):
        return st.sampled_from([
            [[[-103.4, 20.6], [-103.3, 20.6], [-103.3, 20.7], [-103.4, 20.6]]],
            [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [2, 4], [4, 4], [2, 2]]],
            [[[i / 1000, 0] for i in range(9_998)] + [[0, 1], [0, 0]]],  # 10,000 points
        ])
    if isinstance(kind, Bool):
        return st.booleans()
    if isinstance(kind, MultiPolygon):
        return st.sampled_from([
            [[[[-103.4, 20.6], [-103.3, 20.6], [-103.3, 20.7], [-103.4, 20.6]]]],
            [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]],
            [[[[i / 1000, 0] for i in range(19_998)] + [[0, 1], [0, 0]]]],  # 20,000 points
        ])
    raise AssertionError(kind)


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    entity: Entity = draw(st.sampled_from(list(ENTITIES.values())))
    fields: dict[str, Any] = {}
    spoil = draw(st.sampled_from([None] * 6 + list(entity.fields)))  # at most one bad field
    for name, f in entity.fields.items():
        if not f.required and draw(st.integers(0, 3)) == 0:
            continue
        if f.required and entity.record != "append" and draw(st.integers(0, 2)) == 0:
            continue
        fields[name] = draw(_bad(f.kind) if name == spoil else _good(f.kind))
    if draw(st.integers(0, 20)) == 0:
        fields["no_such_field"] = 1
    item: dict[str, Any] = {
        "change_id": str(uuid.uuid4()), "entity": entity.name,
        "entity_id": "sedena" if entity.name == "agency" else str(uuid.uuid4()),
        "op": entity.op if draw(st.integers(0, 15)) else "delete",
        "fields": fields, "hlc": draw(st.sampled_from(["1764400000000-0001-n1"] * 9 + ["bad-hlc"])),
    }
    if entity.record != "append" and fields and draw(st.booleans()):
        item["base"] = {draw(st.sampled_from([*fields, "other"])): "1764300000000-0000-n2"}
    return item


def _fast(item: dict[str, Any]) -> codec.Decoded | codec.Refused | None:
    try:
        ch = codec._spell_ids(msgspec.json.decode(json.dumps(item).encode(), type=envelope.CHANGE))
    except msgspec.ValidationError:
        return None
    return codec._finish(0, ch)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes())
def test_fast_and_descriptive_paths_agree(item: dict[str, Any]) -> None:
    """Proves the msgspec decode and the Python checks accept exactly the same changes
    and give the same canonical fields (one definition, two paths, no drift)."""
    fast = _fast(item)
    try:
        _entity, wire = codec.check_change(item)
        slow_ok = True
    except Problem:
        slow_ok = False
    fast_ok = isinstance(fast, codec.Decoded)
    assert fast_ok == slow_ok, (item, fast)
    if fast_ok:
        assert isinstance(fast, codec.Decoded)
        assert fast.fields() == wire


@settings(max_examples=300, deadline=None)
@given(st.lists(changes(), min_size=1, max_size=8))
def test_batch_fast_path_matches_change_by_change(items: list[dict[str, Any]]) -> None:
    """Proves a whole-batch decode gives each change the verdict it gets on its own."""
    try:
        batch = codec.decode_push(json.dumps({"changes": items}).encode())
    except codec.BodyError:
        return  # a change without a usable change_id refuses the request (tested elsewhere)
    for item, got in zip(items, batch, strict=True):
        alone = _fast(item)
        assert isinstance(got, codec.Decoded) == isinstance(alone, codec.Decoded)
        if isinstance(got, codec.Refused):
            assert got.change_id == item["change_id"]
            assert got.problem.code  # a code a client can translate


def test_refusals_carry_codes_fields_and_parameters() -> None:
    """Proves a rejected change says which field and why, in a form a client translates."""
    item = {"change_id": str(uuid.uuid4()), "entity": "position", "entity_id": str(uuid.uuid4()),
            "op": "append", "hlc": "1764400000000-0001-n1",
            "fields": {"unit_id": str(uuid.uuid4()), "lat": 91, "lon": 0,
                       "observed_at": "2026-11-29T17:00:00Z"}}
    (refused,) = codec.decode_push(json.dumps({"changes": [item]}).encode())
    assert isinstance(refused, codec.Refused)
    wire = refused.problem.to_wire()
    assert wire["code"] == "out_of_range"
    assert wire["params"]["field"] == "lat" and wire["params"]["max"] == "90"
    assert "Latitude" in str(refused.problem)


def test_pulled_document_decodes_as_a_pull_page() -> None:
    """Proves documents assembled by the server decode as the declared PullResponse."""
    item = {"change_id": str(uuid.uuid4()), "entity": "unit", "entity_id": str(uuid.uuid4()),
            "op": "upsert", "hlc": "1764400000000-0001-n1",
            "fields": {"callsign": "Alfa", "status": "engaged"}}
    (dec,) = codec.decode_push(json.dumps({"changes": [item]}).encode())
    assert isinstance(dec, codec.Decoded)
    tail = codec.stamps("ana", None, "2026-11-29T17:00:00Z")
    body = codec.pull_body([codec.pulled_doc(dec.change, 7, tail)], 7, False)
    page = msgspec.json.decode(body, type=envelope.PullResponse)
    (got,) = page.changes
    assert got.seq == 7 and got.author == "ana" and got.fields.callsign == "Alfa"
    assert codec.decode_pull(body).changes[0].change_id == dec.change.change_id


_ID = "0190c3c1-1111-7111-8111-111111111111"


def test_canonical_ids_accepts_only_the_canonical_spelling() -> None:
    """Proves the bulk id check passes lower-case hyphenated UUIDs and nothing else."""
    assert canonical_ids([]) and canonical_ids([_ID, str(uuid.uuid4())])
    for odd in (_ID.upper(), _ID.replace("-", ""), _ID[:8] + _ID[9] + "-" + _ID[10:],
                _ID[:-1] + "g", _ID[:-1] + "ä", _ID[:-1], _ID + "0", "-" * 36,
                "{" + _ID[1:-1] + "}"):
        assert not canonical_ids([_ID, odd, _ID]), odd


def _position(unit_id: str, change_id: str | None = None) -> dict[str, Any]:
    return {"change_id": change_id or str(uuid.uuid4()), "entity": "position",
            "entity_id": str(uuid.uuid4()), "op": "append", "hlc": "1764400000000-0001-n1",
            "fields": {"unit_id": unit_id, "lat": 19.4, "lon": -99.1,
                       "observed_at": "2026-11-29T17:00:00Z"}}


def test_ids_in_another_spelling_are_written_canonically() -> None:
    """Proves a push whose ids are not all canonical still decodes change by change: an
    upper-case or unhyphenated UUID is the same id in canonical form, and text that is
    not a UUID refuses only its own change."""
    items = [_position(_ID), _position(_ID.upper(), change_id=_ID.upper().replace("-", "")),
             _position("0190c3c1-1111-7111-8111-11111111111z"), _position(_ID)]
    got = codec.decode_push(json.dumps({"changes": items}).encode())
    assert [type(g).__name__ for g in got] == ["Decoded", "Decoded", "Refused", "Decoded"]
    spelled = got[1]
    assert isinstance(spelled, codec.Decoded)
    assert spelled.change_id == _ID and spelled.change.fields.unit_id == _ID
    refused = got[2]
    assert isinstance(refused, codec.Refused) and refused.problem.code == "not_id"
    assert refused.problem.to_wire()["params"]["field"] == "unit_id"
    assert [g.change_id for g in got] == [items[0]["change_id"], _ID, items[2]["change_id"],
                                          items[3]["change_id"]]


def test_pulled_ids_in_another_spelling_are_kept_canonically() -> None:
    """Proves a pull page from a peer that spells an id differently keeps the change (in
    canonical form), and holds, never drops, one whose id is not a UUID."""
    docs = []
    for n, unit_id in enumerate([_ID, _ID.upper(), "not-a-uuid-but-thirty-six-characters"]):
        docs.append(json.dumps({**_position(unit_id), "seq": n + 1}).encode())
    page = codec.decode_pull(codec.pull_body(docs, 3, False))
    assert [ch.fields.unit_id for ch in page.changes] == [_ID, _ID]
    (held,) = page.held
    assert held.seq == 3 and held.entity == "position" and held.problem.code == "not_id"
