"""Brands' exports as they come (tests/fixtures/raw/*/, written by make_raw_fixtures.py):
each folder loads to its expected canonical tables, with the repairs counted, and every
report builds from it — or is skipped because the data lacks a table it needs — with no
error in any page."""

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.data.load import load_tables
from analysis.data.prepare import prepare
from analysis.reports.build import build_reports, discover

RAW = Path(__file__).parent / "fixtures" / "raw"
FOLDERS = ["spreadsheet-brand", "mixed-brand", "wecom-only"]
KEYS = {
    "contacts": ["user_id"],
    "events": ["user_id", "occurred_at", "event_type"],
    "orders": ["order_id"],
}


def _sorted(df: pd.DataFrame, table: str) -> pd.DataFrame:
    return df.sort_values(KEYS[table], kind="stable").reset_index(drop=True)


def _step(ledger: pd.DataFrame, step: str) -> pd.DataFrame:
    return ledger[ledger["step"] == step]


@pytest.mark.parametrize("name", FOLDERS)
def test_a_brands_folder_loads_to_its_expected_tables(name):
    got, want = load_tables(RAW / name), load_tables(RAW / name / "expected")
    for table in ("contacts", "events", "orders"):
        g, w = getattr(got, table), getattr(want, table)
        assert set(w.columns) <= set(g.columns), table
        pd.testing.assert_frame_equal(_sorted(g[list(w.columns)], table), _sorted(w, table))


def test_spreadsheet_brand_repairs_are_counted():
    got, want = (
        load_tables(RAW / "spreadsheet-brand"),
        load_tables(RAW / "spreadsheet-brand" / "expected"),
    )
    led = got.ledger
    refunded = int(want.orders["is_refund"].sum())
    assert refunded > 0
    folded = _step(led, "refund rows folded into their orders")
    assert folded[["dropped", "repaired"]].values.tolist() == [[refunded, refunded]]
    assert _step(led, "spreadsheet: title rows above the header dropped")["dropped"].tolist() == [1]
    assert _step(led, "spreadsheet: total rows dropped (合计)")["dropped"].tolist() == [1]
    utf16 = _step(led, "spreadsheet: decoded as utf-16 (Excel 'Unicode text')")
    assert utf16["repaired"].tolist() == [len(want.events)]
    money = _step(led, "amount: currency symbols / thousands separators removed")
    assert money["repaired"].tolist() == [len(want.orders)]  # every purchase row had ￥
    reads = _step(led, "read").set_index("table")["kept"]
    assert reads["orders"] == len(want.orders) + refunded  # purchases + refund rows


def test_wecom_only_brand_has_no_orders_and_says_so():
    got = load_tables(RAW / "wecom-only")
    assert len(got.orders) == 0
    assert _step(got.ledger, "no export found: empty table")["table"].tolist() == ["orders"]
    assert set(got.events["event_type"]) <= {
        "contact_add",
        "group_join",
        "group_quit",
        "del_follow_user",
    }


def _errors_in(notebook: Path) -> list[str]:
    nb = nbformat.read(notebook, as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"{o.get('ename')}: {o.get('evalue')}")
            elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                if "Traceback" in o.get("text", "") or "Error" in o.get("text", ""):
                    out.append(o["text"][:300])
    return out


@pytest.mark.notebook
@pytest.mark.parametrize("name", FOLDERS)
def test_every_report_builds_from_a_brands_folder(name, tmp_path):
    store = prepare(RAW / name, tmp_path / "store").store
    results = build_reports(
        tmp_path / "out",
        parameters={"data_dir": str(store), "truth_dir": ""},
        show_progress=False,
    )
    tables = load_tables(store)
    rows = {t: len(getattr(tables, t)) for t in ("contacts", "events", "orders")}
    by_name = {r["name"]: r for r in results}
    assert set(by_name) == {r.name for r in discover()}
    for rep in discover():
        r = by_name[rep.name]
        assert not r.get("failed"), f"{name}/{rep.name}: {r.get('failed')}"
        lacking = [t for t in rep.requires if rows.get(t, 0) == 0]
        if lacking:
            assert r["skipped"] == f"the data has no {' and no '.join(lacking)}"
            continue
        assert not r.get("skipped"), f"{name}/{rep.name} skipped: {r.get('skipped')}"
        assert _errors_in(tmp_path / "out" / f"{rep.name}.ipynb") == [], rep.name
        for page in (r["html"], r["summary"]):
            text = (tmp_path / "out" / page).read_text(encoding="utf-8")
            assert not re.search(r"Traceback \(most recent call last\)", text), page
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for r in results:
        if r.get("skipped"):
            assert f"skipped: {r['skipped']}" in index


@pytest.mark.notebook
def test_a_declared_event_type_counts_in_every_report(tmp_path):
    """A brand's own event type declared in vocabulary.yaml with the mapping of a built-in
    type is counted exactly like it: renaming every `review` to `live_note` and declaring
    `live_note: {value: content, stage: advocate}` leaves every report's numbers unchanged.
    A report that drops undeclared-by-default types (e.g. one not given the vocabulary)
    loses those events and its tables change."""
    import shutil

    src = RAW / "mixed-brand" / "expected"
    plain, declared = tmp_path / "plain", tmp_path / "declared"
    shutil.copytree(src, plain)
    shutil.copytree(src, declared)
    events = (declared / "events.csv").read_text(encoding="utf-8")
    assert ",review," in events
    (declared / "events.csv").write_text(events.replace(",review,", ",live_note,"), "utf-8")
    (declared / "vocabulary.yaml").write_text(
        "event_types:\n  live_note: {value: content, stage: advocate, meaning: a live note}\n",
        encoding="utf-8",
    )
    tables = {}
    for d in (plain, declared):
        out = tmp_path / f"out-{d.name}"
        results = build_reports(
            out, parameters={"data_dir": str(d), "truth_dir": ""}, show_progress=False
        )
        assert not [r["name"] for r in results if r.get("failed")]
        tables[d.name] = {
            f"{p.parent.name}/{p.name}": _as_rows(p)
            for p in sorted((out / "tables").glob("*/*.csv"))
        }
    assert tables["plain"].keys() == tables["declared"].keys()
    # the ledger names the folder; the vocabulary's counts list both types by design
    skip = {"data-overview/ledger.csv", "data-overview/vocabulary_counts.csv"}
    differ = [
        k
        for k in tables["plain"]
        if k not in skip and not tables["plain"][k].equals(tables["declared"][k])
    ]
    assert differ == []


def _as_rows(path: Path) -> pd.DataFrame:
    """A saved table as text cells with `live_note` read as `review`, columns and rows sorted
    (a declared type comes last in the vocabulary's order); behaviours no one did are left
    out (the declared vocabulary still lists the built-in `review`, done by no one)."""
    import io

    text = path.read_text(encoding="utf-8").replace("live_note", "review")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if "n_did" in df.columns:
        df = df[df["n_did"] != "0"]
    df = df[sorted(df.columns)]
    return df.sort_values(list(df.columns)).reset_index(drop=True)


@pytest.mark.notebook
def test_twelve_days_of_wecom_data_skip_the_reports_that_need_more_with_the_reason(tmp_path):
    """wecom-traps holds 12 days: the overview builds; every report that needs a window of
    months is listed as skipped for too little data, with its own reason — none fails."""
    store = prepare(RAW / "wecom-traps", tmp_path / "store").store
    results = build_reports(
        tmp_path / "out", parameters={"data_dir": str(store), "truth_dir": ""}, show_progress=False
    )
    by_name = {r["name"]: r for r in results}
    assert not any(r.get("failed") for r in results), [r.get("failed") for r in results]
    assert by_name["data-overview"].get("summary") and not by_name["data-overview"].get("skipped")
    too_little = {
        n for n, r in by_name.items() if (r.get("skipped") or "").startswith("too little")
    }
    assert too_little == {
        "segments-and-flow",
        "behaviours-retention",
        "value-index-retention",
        "churn",
        "ltv",
    }
    assert (
        "runs past the data" in by_name["churn"]["skipped"]
        or "0 users" in by_name["churn"]["skipped"]
    )
    assert "repeat buyers" in by_name["ltv"]["skipped"]
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert index.count("skipped: too little data: ") == 5
