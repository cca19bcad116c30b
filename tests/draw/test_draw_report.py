"""The evaluation report's 专家抽取记录 section, from a real draw record."""

from __future__ import annotations

from pathlib import Path

from evaluator_app.drawcheck.section import draw_summary
from tests.draw.conftest import MadeDraw
from tests.reports.conftest import pdftotext, render_report
from tests.reports.example_data import example


def test_the_report_prints_how_the_committee_was_drawn(made_draw: MadeDraw, tmp_path: Path):
    summary = draw_summary(made_draw.files)
    assert summary is not None
    venues = {seat["venue"] for d in summary["draws"] for seat in d["seats"]}
    names = {venue: f"城{n}" for n, venue in enumerate(sorted(venues))}
    summary["venue_names"] = names  # as the venue adds them from its config
    text = pdftotext(render_report(example(), draw=summary), tmp_path)
    flat = "".join(text.split())
    assert "二、专家抽取记录" in flat
    draw = summary["draws"][0]
    assert draw["seed"][:16] in flat and "陈静" in flat and "赵敏" in flat
    first = draw["needs"][0]["principals"][0]
    assert summary["names"][first] in flat
    seat = next(x for x in draw["seats"] if x["id"] == first)
    assert f"{summary['names'][first]}（{names[seat['venue']]}{seat['seat']}）" in flat
    assert not any(f"（{venue}" in flat for venue in venues)  # seats by venue name, not id
    assert "暂停抽取期内" in flat  # exclusions by rule, counted
    assert "近30日内已被抽取者回避" in flat


def test_a_typed_roster_says_so(tmp_path: Path):
    flat = "".join(pdftotext(render_report(example()), tmp_path).split())
    assert "未使用专家抽取" in flat and "十一、不同意见" in flat
