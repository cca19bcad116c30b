"""The request as the centre types it: needs and seat ranges, every fault named by line."""

from __future__ import annotations

import pytest

from evaluator_app.client.draw.request_form import (
    RequestForm,
    parse_needs,
    parse_seats,
    request_from_form,
)
from evaluator_app.core.draw.model import Need, Party
from evaluator_app.core.errors import DrawError
from tests.venue.harness import example_project

NAMES = {"jinan": "济南", "zibo": "淄博"}


def test_needs_and_seat_ranges():
    assert parse_needs("A010101 3 1\n\nA010103 2") == (Need("A010101", 3, 1), Need("A010103", 2, 0))
    venues = parse_seats("济南 A01-A04 A09\nzibo B1-B3", NAMES)
    assert venues[0].id == "jinan" and venues[0].seats == ("A01", "A02", "A03", "A04", "A09")
    assert venues[1].city == "淄博" and venues[1].seats == ("B1", "B2", "B3")
    with pytest.raises(DrawError) as error:
        parse_seats("青岛 C01", NAMES)
    assert error.value.where == "seats line 1" and "济南" in error.value.message_zh
    with pytest.raises(DrawError) as error:
        parse_needs("A010101 3 1\nA010103 two")
    assert error.value.where == "needs line 2"
    with pytest.raises(DrawError) as error:
        parse_seats("济南 A01-A03 A02", NAMES)
    assert error.value.where == "seats line 1" and "重复" in error.value.message_zh


def _form(**kw) -> RequestForm:  # type: ignore[no-untyped-def]
    base = dict(
        draw_id="D-1",
        lot_id="lot-1",
        needs_text="A010101 3 1",
        seats_text="济南 A01-A04",
        recent_days=30,
        min_other_city=1,
        one_per_employer=True,
        related_experts=True,
        draw_date="2026-04-10",
        evaluation_date="2026-04-18",
        centre=Party("centre", "C1", "陈静"),
        supervisor=Party("supervisor", "S1", "赵敏"),
        tenderer_city="济南",
    )
    base.update(kw)
    return RequestForm(**base)  # type: ignore[arg-type]


def test_the_request_takes_tenderer_and_bidders_from_the_project():
    request = request_from_form(_form(), example_project(), NAMES)
    assert request.tenderer == "济南市历城区教育和体育局" and len(request.bidders) == 5
    with pytest.raises(DrawError) as error:
        request_from_form(_form(seats_text="济南 A01-A02"), example_project(), NAMES)
    assert error.value.where == "request.venues"  # 2 seats for 3 experts
    with pytest.raises(DrawError) as error:
        request_from_form(_form(supervisor=Party("supervisor", "", "")), example_project(), NAMES)
    assert error.value.where.startswith("request.parties")
    with pytest.raises(DrawError) as error:
        request_from_form(_form(lot_id="lot-9"), example_project(), NAMES)
    assert error.value.where == "lot"
    with pytest.raises(DrawError) as error:
        request_from_form(_form(tenderer_city=""), example_project(), NAMES)
    assert error.value.where == "tenderer_city"
