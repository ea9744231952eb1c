"""A simulated brand written shard by shard as one prepared store, and merging stores."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.data.errors import DataError
from analysis.data.load import load_tables
from analysis.data.prepare import prepare
from analysis.data.store import merge_stores, read_manifest
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
    for t in TABLES:
        assert (tmp_path / f"{t}.parquet").read_bytes() == (out / f"{t}.parquet").read_bytes()
    assert (tmp_path / "truth" / "users.csv.gz").read_bytes() == (
        out / "truth" / "users.csv.gz"
    ).read_bytes()


def test_a_world_with_truth_aucs_gets_them_over_all_shards(tmp_path):
    params = simulate_store(600, tmp_path, shard_users=300, months=4, world="wrong_weights")
    auc = params["churn"]["truth_auc"]
    assert 0.5 < auc["best"] <= 1 and auc["preset"] < auc["best"]
    with pytest.raises(ValueError, match="touch worlds"):
        simulate_store(600, tmp_path / "t", shard_users=300, world="touches")


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


def test_cli_writes_a_store_and_refuses_shard_users_without_it(tmp_path, capsys):
    assert main(["simulate", "--users", "400", "--months", "3", "--store", str(tmp_path / "s"),
                 "--shard-users", "200", "--quiet"]) == 0  # fmt: skip
    assert read_manifest(tmp_path / "s")["merged_from"] == ["shard-000", "shard-001"]
    with pytest.raises(SystemExit):
        main(["simulate", "--users", "400", "--out", str(tmp_path / "o"), "--shard-users", "9"])
    assert "--shard-users goes with --store" in capsys.readouterr().err
