"""The broken-input corpus: every case in tests/fixtures/broken/cases.yaml gives its
documented outcome — a DataError naming file, column, rows and an example, or a repair
counted in the ledger (and the ledger still balances)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.data.adapters import (
    combine,
    read_spreadsheet,
    to_tables,
    wecom_callbacks,
    wecom_contacts,
    wecom_groupchats,
)
from analysis.data.errors import DataError
from analysis.data.load import load_tables

BROKEN = Path(__file__).parent / "fixtures" / "broken"
CASES = yaml.safe_load((BROKEN / "cases.yaml").read_text(encoding="utf-8"))


def _suffix(name: str) -> str:
    return ".csv.gz" if name.endswith(".csv.gz") else Path(name).suffix


def _run(case: dict, tmp_path: Path):
    """Run a case; returns (ledger frame, table frame) or raises."""
    src = BROKEN / case["file"]
    via = case.get("via", "load_tables")
    opts = case.get("options") or {}
    if via == "load_tables":
        folder = tmp_path / "data"
        shutil.copytree(BROKEN / "base", folder)
        (folder / f"{case['table']}.csv").unlink()
        shutil.copy(src, folder / f"{case['table']}{_suffix(case['file'])}")
        t = load_tables(folder, **opts)
        return t.ledger, getattr(t, case["table"])
    if via == "spreadsheet":  # the export replaces one table; the others are the base
        parts = [read_spreadsheet(src, table=case["table"])]
        parts += [
            read_spreadsheet(BROKEN / "base" / f"{t}.csv", table=t)
            for t in ("contacts", "events", "orders")
            if t != case["table"]
        ]
        t = to_tables(combine(*parts), **opts)
        return t.ledger, getattr(t, case["table"])
    else:
        fn = {
            "wecom_contacts": wecom_contacts,
            "wecom_groupchats": wecom_groupchats,
            "wecom_callbacks": wecom_callbacks,
        }[via]
        a = fn(src, **opts)
    return a.ledger.to_frame(), a.table(case["table"])


def test_corpus_has_at_least_30_distinct_cases():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) >= 30
    assert {c["expect"] for c in CASES} == {"error", "repair", "ok"}
    for c in CASES:
        assert (BROKEN / c["file"]).is_file(), c["file"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_broken_input_case(case, tmp_path):
    if case["expect"] == "error":
        with pytest.raises(DataError) as info:
            _run(case, tmp_path)
        err = info.value
        msg = str(err)
        assert Path(err.file).name in (case["file"], case["table"] + _suffix(case["file"])), msg
        assert Path(err.file).name in msg
        assert err.column == case["column"], msg
        assert case["problem"] in err.problem, msg
        if case["column"] is not None:
            assert f"column '{case['column']}'" in msg
        if "rows" in case:
            assert err.rows == case["rows"], msg
            assert err.examples, "row errors show an example value"
            assert "rows " in msg and "e.g." in msg
        if "message" in case:
            assert case["message"] in msg
        return
    ledger, table = _run(case, tmp_path)
    steps = ledger[
        ledger["step"].str.contains(case["step"], regex=False) & (ledger["table"] == case["table"])
    ]
    assert len(steps) >= 1, ledger.to_string()
    step = steps.iloc[0]
    if "detail" in case:
        assert case["detail"] in step["detail"]
    if case["expect"] == "repair":
        assert step["dropped"] + step["repaired"] > 0, ledger.to_string()
    for key in ("dropped", "repaired"):
        if key in case:
            assert step[key] == case[key], ledger.to_string()
    # every step balances, and rows only ever go down by what was dropped
    assert (ledger["rows_in"] == ledger["kept"] + ledger["dropped"]).all()
    check = case.get("check") or {}
    if "rows" in check:
        assert len(table) == check["rows"]
    if "column" in check:
        values = [str(v) for v in table[check["column"]]]
        assert any(check["contains"] in v for v in values), values
    if check.get("equals") == "base":  # the repair gives back the clean table exactly
        clean = getattr(load_tables(BROKEN / "base"), case["table"])
        pd.testing.assert_frame_equal(table[list(clean.columns)].reset_index(drop=True), clean)


def _balance(ledger: pd.DataFrame, table: str) -> None:
    led = ledger[ledger["table"] == table]
    read = led[led["step"] == "read"].iloc[0]
    final = led[led["step"] == "final"].iloc[0]
    after_read = led.loc[read.name + 1 :]
    after_read = after_read[after_read["step"] != "final"]
    assert read["rows_in"] - after_read["dropped"].sum() == final["rows_in"]


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c["expect"] != "error" and c.get("via", "load_tables") == "load_tables"],
    ids=lambda c: c["id"],
)
def test_loader_ledger_balances_across_steps(case, tmp_path):
    ledger, table = _run(case, tmp_path)
    for t in ("contacts", "events", "orders"):
        _balance(ledger, t)
    final = ledger[(ledger["table"] == case["table"]) & (ledger["step"] == "final")]
    assert int(final["rows_in"].iloc[0]) == len(table)


def test_leading_zero_ids_survive_end_to_end(tmp_path):
    case = next(c for c in CASES if c["id"] == "leading_zero_ids")
    _, orders = _run(case, tmp_path)
    assert "000123" in set(orders["order_id"])
    assert "007" in set(orders["user_id"])
    assert pd.api.types.is_string_dtype(orders["order_id"])
