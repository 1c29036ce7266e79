"""The main window's side of joint operations: the roster's operational column and
overdue hand-overs, and the operation selector, which narrows the roster, the map and
the incident log to one operation through the filters they already have (the roster's
rows, `MapView.set_unit_filter`, the incident log's query). Everything is read off the
UI thread and refreshed when operations, assignments, hand-overs, zones or units change;
the roster's "outside jurisdiction" flag (store/zones.py) with them, and for the units
whose position changed on its own.
A mixin of MainWindow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldclient.core.timefmt import utcnow
from fieldclient.store import operations, zones
from fieldclient.store.events import ChangeSet
from fieldclient.ui.tasks import run_task

if TYPE_CHECKING:
    from fieldclient.map.widget import MapView
    from fieldclient.store.db import Store
    from fieldclient.ui.incident_panel import IncidentPanel
    from fieldclient.ui.operation_selector import OperationSelector
    from fieldclient.ui.roster_model import RosterModel
    from fieldclient.ui.roster_view import RosterPanel

_KINDS = ("operation", "assignment", "handover", "zone", "unit", "incident")


class OperationActions:
    # what MainWindow provides
    store: Store
    model: RosterModel
    roster: RosterPanel
    incidents: IncidentPanel
    map: MapView | None
    operation_selector: OperationSelector
    _operation: str

    if TYPE_CHECKING:  # MainWindow's own
        def show_operation_selector(self, shown: bool) -> None:
            raise NotImplementedError

    def refresh_operations(self) -> None:
        """Read the operations, each unit's assignment, overdue hand-overs and what the
        chosen operation covers, in the background; then show them."""
        chosen = self._operation
        store = self.store

        def fetch() -> Any:
            now = utcnow()
            index = zones.tagger(store).index()
            with store.session() as s:
                ops = [(o.id, o.code, o.name) for o in operations.operations(s)]
                command = operations.current_assignments(s, now)
                overdue = operations.overdue_units(s, now)
                covered = operations.covered(s, chosen, now)[0] if chosen else None
                outside = zones.outside_jurisdiction(s, index, now)
            return ops, command, overdue, covered, outside

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None or chosen != self._operation:
                return
            ops, command, overdue, covered, outside = result
            self.operation_selector.set_operations(ops)  # a vanished choice: back to all
            self.show_operation_selector(bool(ops))
            self.model.set_outside(outside)
            if self.map is not None:  # the same flags as a badge on the map
                self.map.overlays.set_outside(outside)
            self.model.set_command(command, overdue)
            if self._operation == chosen:
                self.model.set_operation_units(covered)

        run_task(fetch, done)

    def refresh_outside(self, unit_ids: set[str]) -> None:
        """Judge again whether these units (whose positions changed) are outside their
        jurisdiction, off the UI thread: the rest keep their flag."""
        store = self.store

        def fetch() -> set[str]:
            index = zones.tagger(store).index()
            with store.session() as s:
                return zones.outside_jurisdiction(s, index, utcnow(), unit_ids)

        def done(result: Any, error: BaseException | None) -> None:
            if error is None:
                self.model.set_outside(result, among=unit_ids)
                if self.map is not None:
                    self.map.overlays.set_outside(result, among=unit_ids)

        run_task(fetch, done)

    def choose_operation(self, operation_id: str) -> None:
        """Narrow the roster, the map and the incident log to one operation ("": all)."""
        if operation_id == self._operation:
            return
        self._operation = operation_id
        self.operation_selector.choose(operation_id)
        self.incidents.set_operation(operation_id or None)
        self.apply_map_filter()
        self.refresh_operations()

    def apply_map_filter(self) -> None:
        """The roster's filter and the chosen operation, on the map."""
        if self.map is not None:
            agency, status, kind = self.roster.filters()
            self.map.set_unit_filter(agency, kind, status, self._operation)

    def operations_changed(self, changes: ChangeSet) -> bool:
        """Whether a change touches what this shows (the caller refreshes, coalesced): the
        records of operations, or units and incidents while one operation is chosen
        (they may have joined or left it). A changed assignment also names its unit, so
        the map and the roster's rows follow by themselves."""
        kinds = _KINDS if self._operation else _KINDS[:4]
        return any(changes.get(k) for k in kinds)
