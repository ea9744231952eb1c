"""A brand's folder → options from kit.yaml → check / prepare → a store the reports read."""

import hashlib
import json
import re

import pandas as pd
import pytest
from conftest import CONTACTS, EVENTS, ORDERS, write_tables

from analysis.__main__ import main
from analysis.data.errors import DataError
from analysis.data.load import load_tables
from analysis.data.options import KEYS, read_options
from analysis.data.prepare import check, prepare
from analysis.data.store import PREPARED, is_store
from analysis.reports.build import Report, check_parameters, discover, missing_tables, table_rows

ORPHAN = EVENTS + "999,2025-01-04 10:00:00,message,,group\n"


def folder(tmp_path, events=EVENTS, orders=ORDERS, kit: str | None = None):
    d = write_tables(tmp_path / "raw", CONTACTS, events, orders)
    if kit is not None:
        (d / "kit.yaml").write_text(kit, encoding="utf-8")
    return d


# --- kit.yaml ---------------------------------------------------------------------------


def test_kit_yaml_turns_an_error_into_a_counted_drop(tmp_path):
    with pytest.raises(DataError, match="drop_orphans: true"):
        load_tables(folder(tmp_path / "a", events=ORPHAN))
    t = load_tables(folder(tmp_path / "b", events=ORPHAN, kit="drop_orphans: true\n"))
    assert "999" not in set(t.events["user_id"])
    assert len(t.events) == 5
    line = t.ledger[t.ledger["step"] == "users not in contacts dropped"]
    assert line[["table", "dropped", "kept"]].values.tolist() == [
        ["events", 1, 5],
        ["orders", 0, 3],
    ]


def test_an_explicit_argument_wins_over_kit_yaml(tmp_path):
    d = folder(tmp_path, events=ORPHAN, kit="drop_orphans: true\n")
    with pytest.raises(DataError, match="user not found in contacts"):
        load_tables(d, drop_orphans=False)


def test_kit_yaml_observed_until_and_tz(tmp_path):
    d = folder(tmp_path, kit='observed_until: "2025-01-04 00:00"\ntz: Europe/London\n')
    t = load_tables(d)
    assert str(t.events["occurred_at"].dt.tz) == "Europe/London"
    assert t.events["occurred_at"].max() < pd.Timestamp("2025-01-04", tz="Europe/London")
    assert len(t.orders) == 1  # A1 only; A2 (01-04 12:00) and A3 are after the cut-off


@pytest.mark.parametrize(
    "kit, words",
    [
        ("drop_orphan: true\n", ["unknown key", "drop_orphan", "drop_orphans (default False)"]),
        ("drop_orphans: yes please\n", ["'drop_orphans' must be true or false", "yes please"]),
        ("tz: Mars/Olympus\n", ["'tz' is not a time zone", "Mars/Olympus"]),
        ("observed_until: soon\n", ["'observed_until' is not a date", "soon"]),
        ("header_map: headers.yaml\n", ["'header_map': file 'headers.yaml' not found"]),
        ("vocabulary: [1, 2]\n", ["'vocabulary' must be a mapping or a YAML file name"]),
        ("- a list\n", ["must be a mapping of option names"]),
        ("a: [\n", ["not valid YAML"]),
    ],
)
def test_bad_kit_yaml_is_an_error_naming_the_file_and_key(tmp_path, kit, words):
    d = folder(tmp_path, kit=kit)
    with pytest.raises(DataError) as err:
        load_tables(d)
    assert err.value.file.endswith("kit.yaml")
    for w in words:
        assert w in str(err.value)


def test_every_key_is_documented_in_the_module():
    import analysis.data.options as options

    for key in KEYS:
        assert f"    {key}:" in options.__doc__, key


def test_file_options_default_to_the_folder_files(tmp_path):
    d = folder(tmp_path)
    assert read_options(d).header_map is None
    (d / "header_map.yaml").write_text("contacts: {}\n", encoding="utf-8")
    assert read_options(d).header_map == d / "header_map.yaml"
    (d / "mine.yaml").write_text("contacts: {}\n", encoding="utf-8")
    (d / "kit.yaml").write_text("header_map: mine.yaml\n", encoding="utf-8")
    assert read_options(d).header_map == d / "mine.yaml"


# --- what load_tables reads -------------------------------------------------------------


def test_load_tables_honours_header_map_yaml_for_spreadsheets(tmp_path):
    d = tmp_path / "brand"
    d.mkdir()
    (d / "contacts.csv").write_text(
        "客户编号,加入时间,渠道,钩子,推荐人\n007,2025-01-01 10:00:00,douyin,coupon,\n",
        encoding="utf-8",
    )
    (d / "events.csv").write_text(EVENTS.splitlines()[0] + "\n", encoding="utf-8")
    (d / "orders.csv").write_text(ORDERS.splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError):
        load_tables(d)  # the brand's own headers are unknown without the map
    (d / "header_map.yaml").write_text(
        "contacts: {客户编号: user_id, 加入时间: joined_at, 渠道: channel, 钩子: hook, "
        "推荐人: referrer_id}\n",
        encoding="utf-8",
    )
    t = load_tables(d)
    assert t.contacts["user_id"].tolist() == ["007"]
    assert t.contacts["channel"].tolist() == ["douyin"]


def test_a_missing_orders_export_is_an_empty_table_with_a_ledger_line(tmp_path):
    d = folder(tmp_path)
    (d / "orders.csv").unlink()
    t = load_tables(d)
    assert len(t.orders) == 0 and list(t.orders.columns)[:2] == ["order_id", "user_id"]
    assert len(t.events) == 5
    line = t.ledger[t.ledger["step"] == "no export found: empty table"]
    assert line["table"].tolist() == ["orders"]


def test_an_empty_folder_and_header_only_contacts_are_the_kits_errors(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="the data folder is empty"):
        load_tables(empty)
    d = write_tables(tmp_path / "h", CONTACTS.splitlines()[0] + "\n", EVENTS, ORDERS)
    with pytest.raises(DataError, match="no contacts: the table has no rows"):
        load_tables(d, drop_orphans=True)


# --- check and prepare ------------------------------------------------------------------


def test_prepare_writes_a_store_that_loads_to_the_same_tables(tmp_path):
    d = folder(tmp_path, events=ORPHAN, kit="drop_orphans: true\n")
    done = prepare(d, tmp_path / "store")
    assert not done.up_to_date and is_store(done.store)
    direct, stored = load_tables(d), load_tables(done.store)
    for name in ("contacts", "events", "orders"):
        pd.testing.assert_frame_equal(getattr(direct, name), getattr(stored, name))
    assert {k: v["rows"] for k, v in done.manifest["tables"].items()} == {
        "contacts": 3,
        "events": 5,
        "orders": 3,
        "touches": 0,
    }
    sources = done.manifest["sources"]
    assert set(sources) == {"contacts.csv", "events.csv", "orders.csv", "kit.yaml"}
    assert (
        sources["events.csv"]["sha256"]
        == hashlib.sha256((d / "events.csv").read_bytes()).hexdigest()
    )
    assert done.manifest["options"]["drop_orphans"] is True
    # the store's ledger comes first, and keeps the drop the raw data needed
    steps = stored.ledger["step"].tolist()
    assert steps.index(PREPARED + "users not in contacts dropped") < steps.index("read")
    # no local path in what the store keeps
    for name in ("ledger.json", "prepare.json"):
        assert str(tmp_path) not in (done.store / name).read_text(encoding="utf-8")


def test_prepare_again_is_a_no_op_until_a_file_or_an_option_changes(tmp_path):
    d = folder(tmp_path)
    store = tmp_path / "store"
    prepare(d, store)
    stamp = (store / "events.parquet").stat().st_mtime_ns
    again = prepare(d, store)
    assert again.up_to_date
    assert (store / "events.parquet").stat().st_mtime_ns == stamp
    (d / "events.csv").write_text(EVENTS + "009,2025-01-06 10:00:00,read,,group\n")
    changed = prepare(d, store)
    assert not changed.up_to_date and changed.manifest["tables"]["events"]["rows"] == 6
    assert not prepare(d, store, {"observed_until": "2025-01-05"}).up_to_date
    assert prepare(d, store, {"observed_until": "2025-01-05"}).up_to_date


def test_prepare_refuses_bad_data_and_leaves_no_store(tmp_path):
    d = folder(tmp_path, events=ORPHAN)
    with pytest.raises(DataError, match="user not found in contacts"):
        prepare(d, tmp_path / "store")
    assert not is_store(tmp_path / "store")


def test_check_returns_the_validated_tables(tmp_path):
    t = check(folder(tmp_path))
    assert (len(t.contacts), len(t.events), len(t.orders)) == (3, 5, 3)


def test_cli_check_exit_codes_and_the_key_in_the_hint(tmp_path, capsys):
    bad = folder(tmp_path / "a", events=ORPHAN)
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "user not found in contacts" in err and "drop_orphans: true" in err
    assert main(["check", str(bad), "--drop-orphans"]) == 0
    out = capsys.readouterr().out
    assert "users not in contacts dropped" in out and "3 contacts, 5 events, 3 orders" in out


def test_cli_prepare_then_up_to_date(tmp_path, capsys):
    d = folder(tmp_path)
    store = tmp_path / "store"
    assert main(["prepare", str(d), "--out", str(store)]) == 0
    assert "wrote {'contacts': 3, 'events': 5, 'orders': 3, 'touches': 0}" in (
        capsys.readouterr().out
    )
    assert main(["prepare", str(d), "--out", str(store)]) == 0
    assert "is up to date" in capsys.readouterr().out
    manifest = json.loads((store / "prepare.json").read_text())
    assert manifest["options"]["tz"] == "Asia/Shanghai"


# --- reports on what the data has -------------------------------------------------------


def test_reports_requiring_a_missing_table_are_skipped(tmp_path):
    d = folder(tmp_path)
    (d / "orders.csv").unlink()
    store = prepare(d, tmp_path / "store").store
    rows = table_rows(store)
    assert rows == {"contacts": 3, "events": 5, "orders": 0, "touches": 0}
    rep = Report("x", d, "x", ("events", "orders"))
    assert missing_tables(rep, rows) == ["orders"]
    assert missing_tables(Report("y", d, "y", ("events",)), rows) == []
    assert table_rows(d) == {"contacts": None, "events": None, "orders": 0, "touches": 0}


def test_every_report_declares_tables_it_knows():
    for rep in discover():
        assert set(rep.requires) <= {"contacts", "events", "orders", "touches"}, rep.name


def test_one_params_file_serves_every_report_also_with_only():
    reports = discover()
    churn_only = {p for r in reports if r.name == "churn" for p in r.parameters}
    others = {p for r in reports if r.name != "churn" for p in r.parameters}
    only_elsewhere = sorted(others - churn_only)
    assert only_elsewhere, "the test needs a parameter churn does not take"
    check_parameters({only_elsewhere[0]: 1}, reports)  # known to some report: fine
    with pytest.raises(ValueError, match="unknown parameter"):
        check_parameters({"no_such_parameter": 1}, reports)


def test_build_reports_with_only_accepts_a_parameter_another_report_declares(tmp_path, monkeypatch):
    import analysis.reports.build as build

    ran = []
    monkeypatch.setattr(
        build,
        "run_report",
        lambda rep, out, **kw: ran.append((rep.name, kw)) or build.skipped(rep, "-"),
    )
    churn_only = sorted(
        set(next(r for r in discover() if r.name == "churn").parameters)
        - set(next(r for r in discover() if r.name == "data-overview").parameters)
    )[0]
    build.build_reports(tmp_path, only=["data-overview"], parameters={churn_only: 1})
    assert [name for name, _ in ran] == ["data-overview"]
    with pytest.raises(ValueError, match="unknown parameter"):
        build.build_reports(tmp_path, only=["data-overview"], parameters={"nope": 1})


def test_build_reports_skips_a_report_whose_table_is_missing(tmp_path, monkeypatch):
    import analysis.reports.build as build

    d = folder(tmp_path)
    (d / "orders.csv").unlink()
    store = prepare(d, tmp_path / "store").store
    needs = [r for r in discover() if "orders" in r.requires]
    assert needs, "some report needs orders"
    monkeypatch.setattr(build, "run_report", lambda rep, out, **kw: build.skipped(rep, "ran"))
    results = build.build_reports(tmp_path / "out", parameters={"data_dir": str(store)})
    by_name = {r["name"]: r["skipped"] for r in results}
    for rep in needs:
        assert by_name[rep.name] == "the data has no orders"
    assert "skipped: the data has no orders" in (tmp_path / "out" / "index.html").read_text()


def test_rfm_on_a_brand_without_orders():
    from analysis.aggregate.rfm import rfm_table

    empty = pd.DataFrame(
        {
            "order_id": pd.Series([], dtype="str"),
            "user_id": pd.Series([], dtype="str"),
            "ordered_at": pd.Series([], dtype="datetime64[us, Asia/Shanghai]"),
            "amount": pd.Series([], dtype="float64"),
            "is_refund": pd.Series([], dtype="bool"),
            "refund_amount": pd.Series([], dtype="float64"),
        }
    )
    out = rfm_table(empty, as_of="2026-01-01", users=pd.Series(["a", "b"]), lookback_days=180)
    assert out["recency_days"].isna().all() and out["frequency"].tolist() == [0, 0]
    assert out["monetary"].tolist() == [0.0, 0.0]


def test_error_bars_never_negative():
    from analysis.plots.base import error_bars

    got = error_bars([0.5, 1.0], [0.4, 1.0000001], [0.7, 0.9999999], scale=100)
    assert got.shape == (2, 2)
    assert got[:, 0].round(6).tolist() == [10.0, 20.0]
    assert got[:, 1].tolist() == [0.0, 0.0]
    assert error_bars(0.3, 0.1, 0.4).round(6).tolist() == [[0.2], [0.1]]


def test_file_options_from_a_relative_folder(tmp_path, monkeypatch):
    d = folder(tmp_path)
    (d / "header_map.yaml").write_text("contacts: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    opts = read_options("raw")
    assert opts.header_map.is_file()
    assert read_options("raw", {"header_map": "raw/header_map.yaml"}).header_map.is_file()
    load_tables("raw")  # the options resolved once are taken as given the second time
    assert check("raw") is not None


def test_value_evidence_refuses_types_its_vocabulary_does_not_know(tiny_folder):
    from analysis.aggregate.values import value_evidence
    from analysis.data.vocab import load_vocabulary

    t = load_tables(tiny_folder)
    ev = t.events.assign(event_type=t.events["event_type"].replace("review", "live_note"))
    with pytest.raises(ValueError, match=r"\['live_note'\].*vocabulary=tables.vocabulary"):
        value_evidence(ev, t.orders, as_of="2025-02-01")
    vocab = load_vocabulary(
        {"event_types": {"live_note": {"value": "content", "stage": "advocate"}}}
    )
    got = value_evidence(ev, t.orders, as_of="2025-02-01", vocabulary=vocab)
    want = value_evidence(t.events, t.orders, as_of="2025-02-01")
    pd.testing.assert_frame_equal(got, want)


def test_prepare_keeps_the_touches(tmp_path):
    from analysis.paths import resolve

    src = resolve("data/sample-touches")
    done = prepare(src, tmp_path / "store")
    assert done.manifest["tables"]["touches"]["rows"] > 0
    direct, stored = load_tables(src), load_tables(done.store)
    pd.testing.assert_frame_equal(direct.touches, stored.touches)
    assert table_rows(done.store)["touches"] == len(direct.touches)
    assert table_rows(src)["touches"] is None  # a file, rows unknown: the report runs


def test_the_churn_model_fits_when_a_feature_is_missing_everywhere():
    """A brand without orders: every order feature is missing for everyone. Gradient
    boosting cannot bin such a column; read as 0 it never splits, so the model is the one
    fitted without the information."""
    import numpy as np

    from analysis.studies.churn import EmptyAsZero

    X = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [np.nan] * 3})
    t = EmptyAsZero().fit(X)
    assert t.empty_.tolist() == [False, True]
    out = t.transform(pd.DataFrame({"a": [np.nan, 2.0], "b": [np.nan, 5.0]}))
    assert np.isnan(out[0, 0]) and out[1, 0] == 2.0  # other missing values stay missing
    assert out[:, 1].tolist() == [0.0, 5.0]


def test_kit_yaml_carries_the_raw_loader_options():
    from analysis.data.adapters import load_raw
    from analysis.paths import resolve

    traps = resolve("tests/fixtures/raw/wecom-traps")
    via_kit = load_tables(traps)
    direct = load_raw(traps, referral_pattern=r"inv-(?P<referrer>wm\w+)")
    pd.testing.assert_frame_equal(via_kit.contacts, direct.contacts)
    refs = via_kit.contacts.set_index("user_id")["referrer_id"]
    assert refs["wmTRAP0007"] == "wmTRAP0003"  # only the pattern in kit.yaml reads inv-<id>
    dropped = load_tables(traps, group_only="drop")
    assert len(dropped.contacts) < len(via_kit.contacts)


@pytest.mark.parametrize(
    "kit, words",
    [
        ("referral_pattern: '(a'\n", "is not a regular expression"),
        ("referral_pattern: 'inv-(\\w+)'\n", "needs a (?P<referrer>...) group"),
        ("group_only: maybe\n", "'group_only' must be keep or drop"),
    ],
)
def test_bad_raw_loader_options_in_kit_yaml(tmp_path, kit, words):
    with pytest.raises(DataError, match=re.escape(words)):
        load_tables(folder(tmp_path, kit=kit))


def test_a_report_is_judged_on_the_data_it_reads_by_default(tmp_path, monkeypatch):
    """Without a data_dir, each report reads its own default folder: the touches report
    runs on the touches sample (not skipped because data/sample has no touches)."""
    import analysis.reports.build as build

    ran = []
    monkeypatch.setattr(
        build, "run_report", lambda rep, out, **kw: ran.append(rep.name) or build.skipped(rep, "-")
    )
    results = build.build_reports(tmp_path, only=["touches", "ltv"])
    assert sorted(ran) == ["ltv", "touches"]
    assert not [r for r in results if r["skipped"] and r["skipped"] != "-"]


def test_check_prints_the_ledger_aligned_when_steps_hold_chinese(capsys):
    """The ledger's number columns line up in a terminal, where a Chinese character takes two
    columns (the step "total rows dropped (合计)" shifted its numbers by two)."""
    import unicodedata

    from analysis.__main__ import main
    from analysis.paths import resolve

    def columns(text):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    folder = resolve("tests/fixtures/raw/spreadsheet-brand")
    assert main(["check", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(ln for ln in lines if ln.startswith("table "))
    rows = [ln for ln in lines if ln.startswith(("contacts ", "events ", "orders "))]
    assert any("合计" in ln for ln in rows)
    kept_end = columns(header[: header.index("kept") + 4])
    for ln in rows:  # the four numbers after the step: in, kept, dropped, repaired
        step_end = re.search(r"(\s+[\d,]+){4}", ln)
        numbers = list(re.finditer(r"[\d,]+", ln[step_end.start() : step_end.end()]))
        assert columns(ln[: step_end.start() + numbers[1].end()]) == kept_end, ln
