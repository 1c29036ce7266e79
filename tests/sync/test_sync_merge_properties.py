"""Property tests: merging is order-free, duplicate-proof, and the server agrees."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.merge import ZERO_HLC, conflict_id, merge_upsert

FIELDS = ("status", "notes", "strength")
NODES = ("a", "b", "c")
VALUE = {"status": lambda i: ("available", "assigned", "engaged", "returning")[i],
         "notes": lambda i: f"nota {i}", "strength": lambda i: i}


@st.composite
def edits(draw: Any) -> list[dict[str, Any]]:
    """Upserts with distinct HLCs over a few fields, each with some base it saw."""
    n = draw(st.integers(1, 8))
    stamps = draw(st.lists(st.tuples(st.integers(1_000, 1_020), st.sampled_from(NODES)),
                           min_size=n, max_size=n, unique=True))
    out = []
    for ms, node in stamps:
        hlc = f"{1764400000000 + ms:013d}-0000-{node}"
        raw = draw(st.dictionaries(st.sampled_from(FIELDS), st.integers(0, 3), min_size=1))
        fields = {k: VALUE[k](v) for k, v in raw.items()}
        base = {f: draw(st.sampled_from([ZERO_HLC, f"{1764400000000 + 1000:013d}-0000-a"]))
                for f in fields if draw(st.booleans())}
        out.append({"fields": fields, "base": base, "hlc": hlc})
    return out


def _fold(changes: list[dict[str, Any]]) -> tuple[dict, dict, set]:
    values: dict = {}
    hlcs: dict = {}
    conflicts: set = set()
    for c in changes:
        r = merge_upsert(values, hlcs, c["fields"], c["base"], c["hlc"])
        values, hlcs = r.values, r.hlcs
        conflicts |= {fc.field for fc in r.conflicts}
    return values, hlcs, conflicts


@settings(max_examples=300, deadline=None)
@given(edits(), st.randoms(use_true_random=False), st.integers(0, 3))
def test_any_order_with_duplicates_gives_the_same_state(changes: list, rnd: Any, dups: int) -> None:
    """Proves per-field LWW is commutative, associative and idempotent (order and replays don't matter)."""
    reference = _fold(sorted(changes, key=lambda c: c["hlc"]))[:2]
    shuffled = list(changes) + [rnd.choice(changes) for _ in range(dups)]
    rnd.shuffle(shuffled)
    assert _fold(shuffled)[:2] == reference
    # Folding two halves separately then merging their states equals folding everything.
    half = len(changes) // 2
    left, right = _fold(changes[:half]), _fold(changes[half:])
    as_changes = [{"fields": {k: v}, "base": {}, "hlc": h}
                  for st_ in (left, right) for k, v in st_[0].items() for h in [st_[1][k]]]
    assert _fold(as_changes)[:2] == reference


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FIELDS), st.integers(1, 50), st.integers(51, 99))
def test_conflict_id_ignores_arrival_order(field: str, a: int, b: int) -> None:
    """Proves the conflict id depends on the pair of HLCs, not on which arrived first."""
    ha, hb = f"{a:013d}-0000-x", f"{b:013d}-0000-y"
    assert conflict_id("unit", "u", field, ha, hb) == conflict_id("unit", "u", field, hb, ha)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(edits(), st.randoms(use_true_random=False))
def test_server_state_and_conflicts_do_not_depend_on_push_order(api: Any, changes: list, rnd: Any) -> None:
    """Proves the server's merged state and conflicts are the same for any push order, with replays."""
    from sync_helpers import unit

    from sync.protocol import new_id

    results = []
    orders = [list(changes), rnd.sample(changes, len(changes)) + changes[:2]]
    for order in orders:
        uid = str(new_id())  # same edits, a fresh unit per order, on one server
        api.push("cmd-sedena", unit(uid, at=f"{1764400000000 + 1000:013d}-0000-a"))
        first = {}
        for c in order:
            e = first.setdefault(c["hlc"], unit(uid, f=c["fields"], base=c["base"], at=c["hlc"]))
            assert api.push("cmd-sedena", e)[0]["status"] in ("applied", "duplicate")
        state: dict = {}
        hl: dict = {}
        conflicts = set()
        for ch in api.pull_all("observer"):
            if ch["entity"] == "unit" and ch["entity_id"] == uid:
                for k, v in ch["fields"].items():
                    if k not in hl or ch["hlc"] > hl[k]:
                        state[k], hl[k] = v, ch["hlc"]
            elif ch["entity"] == "conflict" and ch["fields"]["entity_id"] == uid:
                f = ch["fields"]
                conflicts.add((f["field"], f["winner_hlc"], f["loser_hlc"]))
        results.append((state, hl, conflicts))
    assert results[0][:2] == results[1][:2]
