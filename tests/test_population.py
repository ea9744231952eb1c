"""Issue 20 item 5: a population table in every report that reconciles its users with the
overview's contacts, counted from the frames (analysis.reports.population)."""

import re

import pandas as pd
import pytest

from analysis.aggregate.labels import retention_labels
from analysis.reports import population as pp

CUT = "2026-01-01"


def test_steps_are_counted_and_must_nest():
    c = pd.Series(["a", "b", "c", "d"])
    r = pp.population(
        [pp.step("contacts", c), pp.step("buyers", ["a", "b"]), pp.step("joined", ["a"], date=CUT)]
    )
    t = r.table
    assert list(t["users"]) == [4, 2, 1] and list(t["dropped"]) == [0, 2, 1]
    assert list(t["why_out"]) == [
        "",
        "no paid order (none, or every order refunded)",
        f"joined on or after {CUT}",
    ]
    assert "Of the 4 contacts in the data, 1 (25%)" in r.reading()
    assert "2 no paid order (none, or every order refunded)" in r.reading()
    with pytest.raises(ValueError, match="not within the step before"):
        pp.population([pp.step("contacts", c), pp.step("buyers", ["a", "z"])])
    with pytest.raises(ValueError, match="first population step"):
        pp.population([pp.step("buyers", ["a"])])
    with pytest.raises(ValueError, match="unknown population step"):
        pp.step("whoever", ["a"])


def test_cutoff_steps_reconcile_the_contacts_with_the_study_population(sample_tables):
    t = sample_tables
    c, e, o = t.contacts, t.events, t.orders
    lab = retention_labels(c, e, o, cutoff=CUT, lost_after_days=90, vocabulary=t.vocabulary)
    steps = pp.cutoff_steps(
        c, e, o, cutoff=CUT, lost_after_days=90, vocabulary=t.vocabulary, studied=lab["user_id"]
    )
    res = pp.population(steps)
    users = list(res.table["users"])
    # the overview's contacts at the top, the study's own frame at the bottom
    assert users[0] == len(c) and users[-1] == len(lab)
    assert users[1] == int((c["joined_at"] < pd.Timestamp(CUT, tz=t.tz)).sum())
    assert sum(res.table["dropped"]) == users[0] - users[-1]
    # a study whose population is not the rule's is an error, not a silent mismatch
    with pytest.raises(ValueError, match="not the population rule"):
        pp.cutoff_steps(c, e, o, cutoff=CUT, lost_after_days=90, studied=lab["user_id"].iloc[1:])
    zh = pp.population(steps, lang="zh")
    text = zh.reading() + " ".join(zh.frame().astype(str).to_numpy().ravel())
    text += " ".join(zh.frame().columns)
    assert not re.search("[A-Za-z]{3,}", text), text
    assert f"{users[-1]:,}" in zh.reading()


@pytest.mark.parametrize("days", [30, 90])
def test_cutoff_steps_not_lost_is_the_population_rule(sample_tables, days):
    t = sample_tables
    c, e, o = t.contacts, t.events, t.orders
    kw = dict(cutoff=CUT, vocabulary=t.vocabulary)
    steps = pp.cutoff_steps(c, e, o, lost_after_days=days, **kw)
    rule = retention_labels(c, e, o, lost_after_days=days, **kw)["user_id"]
    kept = retention_labels(c, e, o, lost_after_days=None, **kw)["user_id"]
    assert [s.key for s in steps][-2:] == ["kept", "not_lost"]
    assert list(steps[-2].ids) == list(kept)
    assert list(steps[-1].ids) == list(rule) and len(rule) < len(kept)


def test_every_report_shows_its_population_table():
    from analysis.reports.build import discover

    reports = discover()
    assert len(reports) >= 7
    for r in reports:
        text = r.source.read_text(encoding="utf-8")
        assert "show_population(" in text, f"{r.name}: no population table"
