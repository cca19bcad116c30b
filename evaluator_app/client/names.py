"""Names people read, never ids: venues (济南主场, 淄博副场), people, artefact kinds.

The venue sends its table of venue names at login (``VenueClient.venue_names``); what is not
in it is shown as the id, the last resort, and logged so that the venue's config gets it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from evaluator_app.client.explain import Explanation

logger = logging.getLogger(__name__)

_unknown: set[str] = set()


def artefact_name(kind: str) -> Explanation:
    # the kinds' registry imports every signed message class: not at start-up (the login window
    # needs venue_label only)
    from evaluator_app.protocol.names import artefact_en, artefact_zh

    return Explanation(artefact_zh(kind), artefact_en(kind))


def venue_label(
    venue_id: str,
    names: Mapping[str, str],
    main_venue: str | None = None,
    language: str = "zh_CN",
) -> str:
    """'济南主场' / '淄博副场' when the session's main venue is known, else '济南'."""
    name = names.get(venue_id)
    if name is None:
        if venue_id and venue_id not in _unknown:
            _unknown.add(venue_id)
            logger.warning("no name for venue %r: add it to [venue_names] in venue.toml", venue_id)
        return venue_id  # the last resort, as it is
    if main_venue is None:
        return name
    if language == "en":
        return f"{name} ({'main' if venue_id == main_venue else 'secondary'} venue)"
    return name + ("主场" if venue_id == main_venue else "副场")


def venues_label(
    venue_ids: list[str] | tuple[str, ...],
    names: Mapping[str, str],
    main_venue: str | None = None,
    language: str = "zh_CN",
) -> str:
    """Several venues, the main one first: '济南主场、淄博副场'."""
    ordered = sorted(venue_ids, key=lambda v: (v != main_venue, v))
    return ("、" if language != "en" else ", ").join(
        venue_label(v, names, main_venue, language) for v in ordered
    )
