"""ID proof as a counter may keep it: Aadhaar only masked, other documents checked by shape."""

from __future__ import annotations

import re

from kiosk.domain.errors import InvalidInput
from kiosk.domain.ids import mask_aadhaar

_VOTER_ID = re.compile(r"[A-Z]{3}[0-9]{7}", re.ASCII)
_LICENCE = re.compile(r"[A-Z]{2}[0-9A-Z\-]{8,18}", re.ASCII)
KINDS = ("aadhaar", "voter_id", "driving_licence")


def id_proof_for_storage(kind: str, number: str) -> tuple[str, str]:
    """(kind, what may be stored): the masked Aadhaar, or the document number checked."""
    kind = (kind or "").strip().lower()
    if kind == "aadhaar":
        return kind, mask_aadhaar(number or "")
    value = re.sub(r"\s+", "", (number or "")).upper()
    if kind == "voter_id":
        if not _VOTER_ID.fullmatch(value):
            raise InvalidInput("voter id", "must be 3 letters and 7 digits, e.g. ABC1234567")
        return kind, value
    if kind == "driving_licence":
        if not _LICENCE.fullmatch(value):
            raise InvalidInput(
                "driving licence", "must start with the state code, e.g. UP3220190012345"
            )
        return kind, value
    raise InvalidInput("id proof", f"must be one of {', '.join(KINDS)}, got {kind!r}")
