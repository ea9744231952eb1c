"""A simulated brand written shard by shard as one prepared store, and merging stores."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.data.errors import DataError
from analysis.data.load import load_tables
from analysis.data.prepare import prepare
from analysis.data.store import merge_stores, read_manifest
from analysis.reports import open_tables
from analysis.simulate import read_truth, simulate, write_simulation
from analysis.simulate.shards import shard_seeds, shard_sizes, simulate_store

TABLES = ("contacts", "events", "orders")


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    out = tmp_path_factory.mktemp("sharded")
    params = simulate_store(1500, out, shard_users=500, months=6, seed=3)
    return out, params, load_tables(out)


def _frames(tables):
    return {t: getattr(tables, t).reset_index(drop=True) for t in TABLES}


def test_shard_sizes_and_seeds():
    assert shard_sizes(1500, 500) == [500, 500, 500]
    assert shard_sizes(1001, 500) == [334, 334, 333]
    assert shard_sizes(400, 500) == [400]
    seeds = shard_seeds(3, 3)
    assert len(set(seeds)) == 3 and seeds == shard_seeds(3, 3)
    with pytest.raises(ValueError, match="shard_users"):
        shard_sizes(100, 5)


def test_each_shard_is_its_own_simulation_with_ids_numbered_on(sharded, tmp_path):
    out, params, tables = sharded
    got = _frames(tables)
    seeds = shard_seeds(3, 3)
    assert params["shards"]["seeds"] == seeds
    first_user = first_order = 1
    starts = {t: 0 for t in TABLES}
    for i, s in enumerate(seeds):
        sim = simulate(500, 6, s, first_ids=(first_user, first_order), id_width=7)
        write_simulation(sim, tmp_path / f"raw{i}", fmt="parquet")
        prepare(tmp_path / f"raw{i}", tmp_path / f"store{i}")
        want = _frames(load_tables(tmp_path / f"store{i}"))
        for t in TABLES:
            n = len(want[t])
            part = got[t].iloc[starts[t] : starts[t] + n].reset_index(drop=True)
            pd.testing.assert_frame_equal(part, want[t])
            starts[t] += n
        first_user += len(want["contacts"])
        first_order += len(want["orders"])
    assert starts == {t: len(got[t]) for t in TABLES}  # nothing else in the store


def test_ids_are_unique_and_contiguous_across_shards(sharded):
    _, _, tables = sharded
    users = tables.contacts["user_id"]
    assert users.is_unique
    assert sorted(int(u[1:]) for u in users) == list(range(1, len(users) + 1))
    orders = tables.orders["order_id"]
    assert sorted(int(o[1:]) for o in orders) == list(range(1, len(orders) + 1))
    referrers = tables.contacts["referrer_id"].dropna()
    assert len(referrers) > 0 and referrers.isin(set(users)).all()


def test_truth_covers_every_contact_and_params_count_the_tables(sharded):
    out, params, tables = sharded
    users, saved, _ = read_truth(out / "truth")
    assert saved == json.loads(json.dumps(params))
    assert users["user_id"].tolist() == tables.contacts["user_id"].tolist()
    assert params["counts"] == {t: len(getattr(tables, t)) for t in TABLES}
    referred = int(tables.contacts["referrer_id"].notna().sum())
    assert params["referrals"]["referred_contacts"] == referred
    assert params["referrals"]["k_factor_realised"] == round(referred / len(users), 6)
    assert sum(params["shards"]["contacts"]) == len(tables.contacts)


def test_the_merged_ledger_and_manifest_count_the_merged_tables(sharded):
    out, _, tables = sharded
    manifest = read_manifest(out)
    ledger = pd.DataFrame(json.loads((out / "ledger.json").read_text()))
    for t in TABLES:
        n = len(getattr(tables, t))
        assert manifest["tables"][t]["rows"] == n
        final = ledger[(ledger["table"] == t) & (ledger["step"] == "final")]
        assert final["kept"].tolist() == [n]
    assert manifest["merged_from"] == ["shard-000", "shard-001", "shard-002"]
    assert len(manifest["sources"]) == 9
    times = pd.concat([tables.events["occurred_at"], tables.orders["ordered_at"]])
    first = min(times.min(), tables.contacts["joined_at"].min())
    assert pd.Timestamp(manifest["observed"]["first"]) == first
    assert pd.Timestamp(manifest["observed"]["last"]) == max(
        times.max(), tables.contacts["joined_at"].max()
    )
    assert not list(out.glob(".shards-*"))  # the work folder is gone


def test_same_arguments_same_store(sharded, tmp_path):
    out, _, _ = sharded
    simulate_store(1500, tmp_path, shard_users=500, months=6, seed=3)
    files = [*(f"{t}.parquet" for t in TABLES), "prepare.json", "ledger.json"]
    files += ["truth/users.csv.gz", "truth/params.json"]
    for f in files:
        assert (tmp_path / f).read_bytes() == (out / f).read_bytes(), f


def test_a_world_with_truth_aucs_gets_them_over_all_shards(tmp_path):
    from analysis.simulate.population import VALUE_NAMES
    from analysis.simulate.tables import truth_aucs
    from analysis.simulate.world import truth_for

    params = simulate_store(600, tmp_path, shard_users=300, months=4, world="wrong_weights")
    users, _, _ = read_truth(tmp_path / "truth")
    z = users[[f"z_{v}" for v in VALUE_NAMES]].to_numpy()
    want = truth_aucs(z, users["churn_hazard_per_day"].to_numpy(), truth_for("wrong_weights"))
    assert params["churn"]["truth_auc"] == want
    first = simulate(300, 4, params["shards"]["seeds"][0], world="wrong_weights")
    assert first.params["churn"]["truth_auc"] != want  # not the first shard's


def test_bad_arguments_fail_before_anything_is_written(tmp_path):
    for kw, words in [
        (dict(world="touches"), "touch worlds"),
        (dict(months=0), "months"),
        (dict(start="someday"), "someday"),
        (dict(shard_users=10, n_users=15), "shards of 7"),
    ]:
        out = tmp_path / f"s{len(list(tmp_path.iterdir()))}"
        with pytest.raises(ValueError, match=words):
            simulate_store(**{"n_users": 600, "out": out, **kw})
        assert not out.exists() or not any(out.iterdir())


def test_a_store_is_rewritten_whole_and_keeps_the_time_zone(tmp_path):
    out = tmp_path / "s"
    simulate_store(400, out, shard_users=200, months=3, seed=1)
    (out / "vocabulary.yaml").write_text("event_types: {}\n")  # stale: not the new store's
    (out / ".shards-old").mkdir()  # left by a killed run
    simulate_store(300, out, shard_users=200, months=3, seed=2, tz="Asia/Tokyo")
    assert not (out / "vocabulary.yaml").exists() and not list(out.glob(".shards-*"))
    tables = load_tables(out)
    assert read_manifest(out)["tz"] == "Asia/Tokyo"
    assert str(tables.contacts["joined_at"].dt.tz) == "Asia/Tokyo"
    users, params, _ = read_truth(out / "truth")
    assert params["seed"] == 2 and len(users) == len(tables.contacts)
    assert tables.contacts["joined_at"].min().isoformat().endswith("+09:00")
    with open_tables(out, engine="duckdb") as sql:  # the reports' reader on a store
        assert sql.tz == "Asia/Tokyo"
        first = sql.query(f"SELECT min(joined_at) AS t FROM {sql.views['contacts']}")["t"][0]
    assert str(first.tz) == "Asia/Tokyo"


def _store(tmp_path, name, seed, **overrides):
    write_simulation(simulate(300, 4, seed), tmp_path / f"raw-{name}", fmt="parquet")
    prepare(tmp_path / f"raw-{name}", tmp_path / name, overrides or None)
    return tmp_path / name


def test_merging_stores_that_share_ids_names_the_stores_and_an_id(tmp_path):
    a, b = _store(tmp_path, "a", 1), _store(tmp_path, "b", 2)
    with pytest.raises(DataError) as err:
        merge_stores([a, b], tmp_path / "ab")
    text = str(err.value)
    assert "user_id" in text and "'u0000001'" in text
    assert str(a) in text and str(b) in text
    assert read_manifest(tmp_path / "ab") is None  # not left looking like a store


def test_merging_stores_prepared_differently_is_refused(tmp_path):
    a = _store(tmp_path, "a", 1)
    b = _store(tmp_path, "b", 2, drop_orphans=True)
    with pytest.raises(DataError, match="options differs"):
        merge_stores([a, b], tmp_path / "ab")
    with pytest.raises(DataError, match="not a prepared store"):
        merge_stores([a, tmp_path / "raw-a"], tmp_path / "ab")
    c = _store(tmp_path, "c", 3)
    (c / "vocabulary.yaml").write_text("event_types: {}\n")
    with pytest.raises(DataError, match="vocabulary differs") as err:
        merge_stores([a, c], tmp_path / "ac")
    assert str(c / "vocabulary.yaml") in str(err.value)
    (c / "vocabulary.yaml").unlink()
    (c / "orders.parquet").unlink()
    with pytest.raises(DataError, match="has no orders.parquet") as err:
        merge_stores([a, c], tmp_path / "ac")
    assert str(c) in str(err.value) and str(a) not in str(err.value)
    (tmp_path / "x").mkdir()
    twin = tmp_path / "x" / "a"
    shutil.copytree(a, twin)
    with pytest.raises(DataError, match="different folder names"):
        merge_stores([a, twin], tmp_path / "aa")


def test_cli_writes_a_store_and_refuses_shard_users_without_it(tmp_path, capsys):
    assert main(["simulate", "--users", "400", "--months", "3", "--store", str(tmp_path / "s"),
                 "--shard-users", "200", "--quiet"]) == 0  # fmt: skip
    assert read_manifest(tmp_path / "s")["merged_from"] == ["shard-000", "shard-001"]
    for args, words in [
        (["--out", str(tmp_path / "o"), "--shard-users", "9"], "--shard-users goes with --store"),
        (["--store", str(tmp_path / "p"), "--shard-users", "0"], "at least 10 contacts"),
        (["--store", str(tmp_path / "p"), "--format", "csv"], "--format goes with --out"),
    ]:
        with pytest.raises(SystemExit):
            main(["simulate", "--users", "400", *args])
        assert words in capsys.readouterr().err
