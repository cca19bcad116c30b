"""Metadata, machine codes and upload addresses: what counts, what is ignored, which threshold."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from evaluator_app.venue.collusion import DEFAULTS, BidPackageInfo, MachineCodes
from evaluator_app.venue.collusion.fingerprints import (
    machine_code_warnings,
    metadata_warnings,
    upload_address_warnings,
)
from evaluator_app.venue.collusion.model import DocumentMetadata

T0 = datetime(2025, 3, 1, 21, 0, tzinfo=UTC)


def meta(
    bidder: str, author: str = "", tool: str = "", minutes: int | None = None
) -> DocumentMetadata:
    when = None if minutes is None else T0 + timedelta(minutes=minutes)
    return DocumentMetadata(bidder, f"{bidder}-doc", author, tool, tool, when, when)


def test_times_within_the_window_count_and_outside_do_not():
    near = metadata_warnings([meta("A", minutes=0), meta("B", minutes=10)], DEFAULTS)
    assert [w.bidders for w in near] == [("A", "B")]
    assert near[0].threshold.observed == "2: created, modified"
    assert metadata_warnings([meta("A", minutes=0), meta("B", minutes=11)], DEFAULTS) == []


def test_a_common_tool_alone_is_not_enough_but_with_the_author_it_is():
    assert metadata_warnings([meta("A", tool="WPS"), meta("B", tool="WPS")], DEFAULTS) == []
    (w,) = metadata_warnings(
        [meta("A", " Zhang  San", "WPS"), meta("B", "zhang san", "WPS")], DEFAULTS
    )
    assert w.threshold.observed == "2: author, tool" and w.strength.value == "moderate"


def test_two_documents_of_one_bidder_are_never_compared():
    assert metadata_warnings([meta("A", "x", "t", 0), meta("A", "x", "t", 0)], DEFAULTS) == []


def test_min_matches_from_the_plan():
    rule = dataclasses.replace(DEFAULTS, metadata_min_matches=1)
    assert [w.bidders for w in metadata_warnings([meta("A", "x"), meta("B", "X")], rule)] == [
        ("A", "B")
    ]


def pkg(bidder: str, mac: str = "", disk: str = "", cpu: str = "", ip: str = "") -> BidPackageInfo:
    return BidPackageInfo(bidder, MachineCodes(mac, disk, cpu), ip)


def test_identical_mac_in_any_notation_groups_all_holders():
    packages = [
        pkg("A", mac="3c-52-82-01-02-03"),
        pkg("B", mac="3C:52:82:01:02:03"),
        pkg("C", mac="3C5282010203"),
        pkg("D", mac="3C-52-82-01-02-04"),
    ]
    (w,) = machine_code_warnings(packages, DEFAULTS)
    assert w.bidders == ("A", "B", "C") and w.strength.value == "strong"
    assert [v.value for v in w.values] == ["3c-52-82-01-02-03", "3C:52:82:01:02:03", "3C5282010203"]


def test_placeholders_and_ignored_codes_are_no_evidence():
    packages = [
        pkg("A", mac="00-00-00-00-00-00", disk="To be filled by O.E.M."),
        pkg("B", mac="00:00:00:00:00:00", disk="To Be Filled By O.E.M."),
    ]
    assert machine_code_warnings(packages, DEFAULTS) == []
    shared = [pkg("A", disk="VMWARE-DISK-1"), pkg("B", disk="vmware-disk-1")]
    assert len(machine_code_warnings(shared, DEFAULTS)) == 1
    assert (
        machine_code_warnings(
            shared, dataclasses.replace(DEFAULTS, machine_ignore=("VMware-Disk-1",))
        )
        == []
    )


def test_a_shared_cpu_id_is_weak():
    (w,) = machine_code_warnings(
        [pkg("A", cpu="BFEBFBFF000906EA"), pkg("B", cpu="BFEBFBFF000906EA")], DEFAULTS
    )
    assert w.strength.value == "weak"


def test_upload_address_identical_unless_ignored():
    packages = [
        pkg("A", ip="116.1.2.3"),
        pkg("B", ip=" 116.1.2.3 "),
        pkg("C", ip="116.1.2.4"),
        pkg("D"),
    ]
    (w,) = upload_address_warnings(packages, DEFAULTS)
    assert w.bidders == ("A", "B") and w.threshold.observed == "116.1.2.3"
    assert (
        upload_address_warnings(
            packages, dataclasses.replace(DEFAULTS, upload_ignore_addresses=("116.1.2.3",))
        )
        == []
    )
