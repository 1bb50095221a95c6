"""A receiver's 0-10 tension ratings as FHIR R4 ``Observation``s, in a ``collection`` Bundle.

The mapping (docs/data.md, "FHIR export"):

* one Observation per rating: before and after each session, for the left hamstring, the right
  hamstring and the lower back (a session stopped early may have no ratings after);
* ``status`` ``final``; ``category`` ``survey`` (HL7's observation-category: an assessment the person
  reports);
* ``code``: softspot's own code system (:data:`CODE_SYSTEM`), ``tension-before`` or ``tension-after``
  ("Tension before a session, 0 (none) to 10"). No LOINC code says this: LOINC's 0-10 numeric scales
  are for pain, and tension is not pain, so none is borrowed;
* ``bodySite``: the area in words (``left hamstring``, ``right hamstring``, ``lower back``), with the
  laterality from SNOMED CT where there is one (Left 7771000, Right 24028007); no SNOMED code is given
  for the muscles themselves;
* ``valueInteger``: the rating, 0 to 10;
* ``effectiveDateTime``: when the session started (before) or ended (after);
* ``subject``: the receiver, by softspot's identifier and name (no Patient resource is exported);
* ``identifier``: the record's key, the moment and the area, unique per Observation; ``id`` the same,
  shortened to fit FHIR's 64 characters.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from softspot.store.records import iso

CODE_SYSTEM = "urn:softspot:codesystem:tension"
"""softspot's own codes (a URN, so no web address is claimed)."""
RECEIVER_SYSTEM = "urn:softspot:receiver"
RATING_SYSTEM = "urn:softspot:rating"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
SNOMED = "http://snomed.info/sct"
AREAS = {
    "left": ("left hamstring", ("7771000", "Left")),
    "right": ("right hamstring", ("24028007", "Right")),
    "back": ("lower back", None),
}
WHEN = {
    "before": ("tension-before", "Tension before a session, 0 (none) to 10"),
    "after": ("tension-after", "Tension after a session, 0 (none) to 10"),
}


class Rated(Protocol):
    key: uuid.UUID
    started_at: Any
    ended_at: Any

    @property
    def before(self) -> dict[str, int]: ...

    @property
    def after(self) -> dict[str, int] | None: ...


def observation(record: Rated, when: str, area: str, value: int, subject: dict[str, Any]) -> dict[str, Any]:
    code, display = WHEN[when]
    words, side = AREAS[area]
    site: dict[str, Any] = {"text": words}
    if side is not None:
        site["coding"] = [{"system": SNOMED, "code": side[0], "display": side[1]}]
    moment = record.started_at if when == "before" else record.ended_at
    return {
        "resourceType": "Observation",
        "id": f"{record.key.hex}-{when}-{area}",
        "identifier": [{"system": RATING_SYSTEM, "value": f"{record.key}/{when}/{area}"}],
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": CODE_SYSTEM, "code": code, "display": display}], "text": display},
        "subject": subject,
        "effectiveDateTime": iso(moment),
        "bodySite": site,
        "valueInteger": value,
    }


def bundle(records: Iterable[Rated], receiver_id: int, receiver_name: str) -> dict[str, Any]:
    """Every rating of these records as Observations in one ``collection`` Bundle (a plain dict, JSON-ready)."""
    subject = {"identifier": {"system": RECEIVER_SYSTEM, "value": str(receiver_id)}, "display": receiver_name}
    entries = []
    for record in records:
        for when, ratings in (("before", record.before), ("after", record.after)):
            if ratings is None:
                continue
            for area in AREAS:
                found = observation(record, when, area, int(ratings[area]), subject)
                entries.append(
                    {"fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, found['id'])}", "resource": found}
                )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
