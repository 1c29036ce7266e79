"""Why something is refused: a machine code, the field it concerns, and parameters.

One catalogue serves every side. The client's forms, its local writer and the
server raise the same `Problem`; the server sends it in a push result as
``{code, params}`` next to the English ``reason`` (kept for logs and old clients),
and the client renders it in the user's language from the same template.

Templates are English source strings in the translation context "problems".
Parameters named ``field``, ``other`` and ``fields`` hold field names and
``entity`` an entity name; `render` shows their labels instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sync.protocol.i18n import QT_TRANSLATE_NOOP

Translate = Callable[[str, str], str]  # (context, English source) -> text to show

TEMPLATES: dict[str, str] = {
    # -- one value ---------------------------------------------------------------
    "required": QT_TRANSLATE_NOOP("problems", "{field} is required."),
    "not_nullable": QT_TRANSLATE_NOOP("problems", "{field} cannot be cleared."),
    "not_text": QT_TRANSLATE_NOOP("problems", "{field} must be text."),
    "too_long": QT_TRANSLATE_NOOP(
        "problems", "{field} is too long ({length} characters; at most {max})."),
    "padded": QT_TRANSLATE_NOOP("problems", "{field} must not start or end with spaces."),
    "control_char": QT_TRANSLATE_NOOP("problems", "{field} contains control characters."),
    "bidi_control": QT_TRANSLATE_NOOP(
        "problems",
        "{field} contains hidden characters that change the text direction; type it again."),
    "not_integer": QT_TRANSLATE_NOOP("problems", "{field} must be a whole number."),
    "not_number": QT_TRANSLATE_NOOP("problems", "{field} must be a number."),
    "out_of_range": QT_TRANSLATE_NOOP(
        "problems", "{field} must be between {min} and {max} (got {value})."),
    "unknown_value": QT_TRANSLATE_NOOP(
        "problems", "{field}: “{value}” is not one of the allowed values."),
    "not_id": QT_TRANSLATE_NOOP("problems", "{field}: “{value}” is not a record id."),
    "bad_slug": QT_TRANSLATE_NOOP(
        "problems",
        "{field}: “{value}” is not an agency code (lower-case letters, digits and “-”)."),
    "not_list": QT_TRANSLATE_NOOP("problems", "{field} must be a list."),
    "too_many": QT_TRANSLATE_NOOP("problems", "{field} has too many items (at most {max})."),
    "duplicate_item": QT_TRANSLATE_NOOP("problems", "{field} lists “{value}” twice."),
    "not_time": QT_TRANSLATE_NOOP(
        "problems", "{field} is not a date and time with a time zone (got “{value}”)."),
    "time_future": QT_TRANSLATE_NOOP(
        "problems", "{field} is in the future (more than {minutes} minutes ahead)."),
    "time_too_old": QT_TRANSLATE_NOOP("problems", "{field} is before {floor}."),
    "bad_sidc": QT_TRANSLATE_NOOP(
        "problems", "{field} must be 10 to 30 letters, digits, “-” or “*” (got “{value}”)."),
    "bad_hlc": QT_TRANSLATE_NOOP("problems", "{field} is not a clock value (got “{value}”)."),
    "not_bool": QT_TRANSLATE_NOOP("problems", "{field} must be true or false."),
    "invalid": QT_TRANSLATE_NOOP("problems", "{field} is not valid: {detail}"),
    "unknown_field": QT_TRANSLATE_NOOP("problems", "{entity} has no field “{name}”."),
    "not_polygon": QT_TRANSLATE_NOOP(
        "problems",
        "{field} must be a polygon: a list of rings, each a list of [longitude, latitude] "
        "points."),
    "not_multipolygon": QT_TRANSLATE_NOOP(
        "problems",
        "{field} must be one or more polygons: a list of polygons, each a list of rings of "
        "[longitude, latitude] points."),
    "too_many_vertices": QT_TRANSLATE_NOOP(
        "problems", "{field} has too many points (at most {max} in all)."),
    "ring_too_short": QT_TRANSLATE_NOOP(
        "problems", "{field}: ring {ring} has fewer than 4 points (a closed ring needs 4)."),
    "ring_not_closed": QT_TRANSLATE_NOOP(
        "problems", "{field}: ring {ring} does not end at its first point."),
    "polygon_crosses_itself": QT_TRANSLATE_NOOP(
        "problems", "{field} is not a valid polygon: its boundary crosses itself near "
        "latitude {lat}, longitude {lon}."),
    "invalid_polygon": QT_TRANSLATE_NOOP(
        "problems", "{field} is not a valid polygon ({reason})."),
    # -- several fields of one record ----------------------------------------
    "both_or_neither": QT_TRANSLATE_NOOP("problems", "Give both {field} and {other}, or neither."),
    "amend_needs_target": QT_TRANSLATE_NOOP(
        "problems", "An amendment must name the entry it corrects."),
    "only_amendment_targets": QT_TRANSLATE_NOOP(
        "problems", "Only an amendment can correct another entry."),
    "zone_visibility": QT_TRANSLATE_NOOP(
        "problems", "A jurisdiction zone is shared with all agencies or kept to its own; "
        "it belongs to no operation."),
    "assignment_needs_unit": QT_TRANSLATE_NOOP("problems", "Choose the unit to assign."),
    "status_needs_status": QT_TRANSLATE_NOOP("problems", "Choose the new status."),
    "void_needs_reason": QT_TRANSLATE_NOOP("problems", "Say why the record is voided."),
    "missing_on_create": QT_TRANSLATE_NOOP("problems", "A new {entity} needs: {fields}."),
    "ends_before_starts": QT_TRANSLATE_NOOP("problems", "{field} is before {other}."),
    "operation_needs_id": QT_TRANSLATE_NOOP(
        "problems", "Choose the operation whose agencies may see this record."),
    "subject_needs_record": QT_TRANSLATE_NOOP("problems", "Choose the {field} handed over."),
    "not_for_subject": QT_TRANSLATE_NOOP(
        "problems", "{field} does not fit a hand-over of this kind; leave it empty."),
    "ack_needs_target": QT_TRANSLATE_NOOP(
        "problems", "An acknowledgement must name the hand-over it acknowledges."),
    "only_ack_targets": QT_TRANSLATE_NOOP(
        "problems", "Only an acknowledgement names another hand-over."),
    "not_in_ack": QT_TRANSLATE_NOOP(
        "problems", "An acknowledgement carries no {field}: that is the hand-over's."),
    # -- accountability records (detentions, use of force) ---------------------
    "original_has_no_target": QT_TRANSLATE_NOOP(
        "problems", "An original record cannot point at another record; only an amendment "
        "or a hand-over does."),
    "follow_up_needs_original": QT_TRANSLATE_NOOP(
        "problems", "An amendment or a hand-over must name the original record."),
    "not_for_kind": QT_TRANSLATE_NOOP(
        "problems", "{field} does not belong in a record of this kind."),
    "amendment_needs_reason": QT_TRANSLATE_NOOP(
        "problems", "Give the reason for the correction."),
    "amendment_empty": QT_TRANSLATE_NOOP(
        "problems", "An amendment must correct at least one field."),
    "name_or_description": QT_TRANSLATE_NOOP(
        "problems", "Give the detained person's name or, if it is unknown, a description."),
    "handover_before_detention": QT_TRANSLATE_NOOP(
        "problems", "The hand-over cannot be before the detention."),
    "more_than_affected": QT_TRANSLATE_NOOP(
        "problems", "{field} cannot be more than {other}."),
    "aid_details_without_aid": QT_TRANSLATE_NOOP(
        "problems", "Medical aid is marked as not given, but when or by whom is filled in."),
    "aid_before_force": QT_TRANSLATE_NOOP(
        "problems", "Medical aid cannot be before the use of force."),
    "already_handed_over": QT_TRANSLATE_NOOP(
        "problems", "The person was already handed over; correct the hand-over with an "
        "amendment."),
    "force_needs_report": QT_TRANSLATE_NOOP(
        "problems", "Force was used: write the use-of-force report before the hand-over."),
    "original_immutable": QT_TRANSLATE_NOOP(
        "problems", "A {entity} cannot be changed or deleted once written; add an amendment "
        "with the reason."),
    "amend_not_author": QT_TRANSLATE_NOOP(
        "problems", "Only the author of the record or a commander may amend this {entity}."),
    "other_agency_record": QT_TRANSLATE_NOOP(
        "problems", "{field} belongs to another agency."),
    # -- the change envelope -------------------------------------------------
    "malformed_change": QT_TRANSLATE_NOOP("problems", "The change is malformed: {detail}"),
    "unknown_entity": QT_TRANSLATE_NOOP(
        "problems", "Unknown kind of record “{name}” (one side runs an older version)."),
    "wrong_op": QT_TRANSLATE_NOOP("problems", "{entity} records are changed with “{op}”."),
    "too_many_fields": QT_TRANSLATE_NOOP(
        "problems", "Too many fields in one change (at most {max})."),
    "base_not_in_fields": QT_TRANSLATE_NOOP(
        "problems", "The change names a base for “{name}”, which it does not set."),
    "hlc_ahead": QT_TRANSLATE_NOOP(
        "problems",
        "This device's clock is more than {hours} hours ahead of the server; correct the clock."),
    "change_id_reused": QT_TRANSLATE_NOOP(
        "problems",
        "This change id was already used for a different change; the original stands."),
    "id_taken": QT_TRANSLATE_NOOP("problems", "This id is already used by another record."),
    # -- who may do what -----------------------------------------------------
    "read_only": QT_TRANSLATE_NOOP("problems", "Observers have read-only access."),
    "admin_scope": QT_TRANSLATE_NOOP(
        "problems", "Administrators manage accounts and agencies only."),
    "role_may_not_create": QT_TRANSLATE_NOOP(
        "problems", "Your role ({role}) may not create a {entity}."),
    "role_may_not_edit": QT_TRANSLATE_NOOP(
        "problems", "Your role ({role}) may not edit a {entity}."),
    "own_agency_only": QT_TRANSLATE_NOOP(
        "problems", "You may only create records of your own agency ({agency})."),
    "not_owner": QT_TRANSLATE_NOOP(
        "problems", "Only a commander of {agency} may edit this {entity}."),
    "cannot_move": QT_TRANSLATE_NOOP("problems", "A record cannot be moved to another agency."),
    "unknown_record": QT_TRANSLATE_NOOP("problems", "Unknown {entity} (or not visible to you)."),
    "amend_mismatch": QT_TRANSLATE_NOOP(
        "problems", "An amendment must point at an existing entry of the same record."),
    "conflict_fields": QT_TRANSLATE_NOOP(
        "problems", "Only a conflict's status and resolution may be changed."),
    "unknown_agency": QT_TRANSLATE_NOOP(
        "problems", "{field}: “{value}” is not an agency of this deployment."),
    "not_participant": QT_TRANSLATE_NOOP(
        "problems", "{field}: {agency} does not take part in this operation."),
    "assign_not_commander": QT_TRANSLATE_NOOP(
        "problems",
        "Only a commander of the lead agency ({lead}) or of the unit's own agency ({agency}) "
        "may assign this unit."),
    "fixed_field": QT_TRANSLATE_NOOP(
        "problems", "{field} cannot be changed once set; make a new {entity} instead."),
    "handover_not_giver": QT_TRANSLATE_NOOP(
        "problems", "Only the agency handing over ({agency}) records a hand-over."),
    "ack_wrong_agency": QT_TRANSLATE_NOOP(
        "problems", "Only {agency}, which receives this hand-over, may acknowledge it."),
    "ack_mismatch": QT_TRANSLATE_NOOP(
        "problems", "An acknowledgement must answer a hand-over of the same operation."),
}

# Parameters that name fields or entities; `render` shows their labels.
_FIELD_PARAMS = ("field", "other")


class Problem(ValueError):
    """A refusal with a machine code (a key of TEMPLATES), the field it concerns and
    parameters for the message. `str()` is the English message."""

    def __init__(self, code: str, field: str | None = None, entity: str | None = None,
                 **params: Any) -> None:
        if code not in TEMPLATES:
            raise KeyError(f"unknown problem code {code!r}")
        self.code, self.field, self.entity, self.params = code, field, entity, params
        super().__init__(self.render())

    def at(self, field: str | None = None, entity: str | None = None) -> Problem:
        """The same problem, located at a field and entity (kept when already set)."""
        return Problem(self.code, self.field or field, self.entity or entity, **self.params)

    def render(self, tr: Translate | None = None) -> str:
        """The message in the language `tr` translates to (English without it)."""
        return render(self.code, self.params, self.field, self.entity, tr)

    def to_wire(self) -> dict[str, Any]:
        """`{code, params}` as a push result carries them (field and entity in params)."""
        params = dict(self.params)
        if self.field:
            params["field"] = self.field
        if self.entity:
            params["entity"] = self.entity
        return {"code": self.code, "params": {k: _plain(v) for k, v in params.items()}}


def render(code: str, params: Mapping[str, Any], field: str | None = None,
           entity: str | None = None, tr: Translate | None = None) -> str:
    """Fill a template; field and entity names become their (translated) labels.
    An unknown code (from a newer peer) renders as its code and parameters."""
    from sync.protocol.entity import entity_label, field_label

    t: Translate = tr or (lambda _ctx, text: text)
    values = {k: _plain(v) for k, v in params.items()}
    entity = entity or values.get("entity")
    field = field or values.get("field")
    if entity:
        values["entity"] = t("entities", entity_label(str(entity)))
    for key in _FIELD_PARAMS:
        name = field if key == "field" else values.get(key)
        if name:
            values[key] = t("fields", field_label(entity, str(name)))
    if isinstance(values.get("fields"), list | tuple):
        values["fields"] = ", ".join(
            t("fields", field_label(entity, str(n))) for n in values["fields"])
    template = TEMPLATES.get(code)
    if template is None:
        return f"{code} {values}"
    try:
        return t("problems", template).format(**values)
    except (KeyError, IndexError, ValueError):
        return template.format_map(_Lenient(values))


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
