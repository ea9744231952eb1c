"""The ground-truth simulator: deterministic, documented truth, and its mechanisms hold."""

import gzip
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.data.validate import validate_tables
from analysis.paths import resolve
from analysis.simulate import simulate, write_simulation


@pytest.fixture(scope="module")
def sim():
    return simulate(6000, 12, seed=3)


def test_same_seed_same_tables_other_seed_differs(sim):
    again = simulate(6000, 12, seed=3)
    for name in ("contacts", "events", "orders", "users"):
        pd.testing.assert_frame_equal(getattr(sim, name), getattr(again, name))
    other = simulate(6000, 12, seed=4)
    assert not other.orders["amount"].equals(sim.orders["amount"])


def test_committed_sample_is_byte_identical_to_a_fresh_generation(tmp_path):
    out = tmp_path / "sample"
    assert (
        main(
            [
                "simulate",
                "--users",
                "8000",
                "--months",
                "18",
                "--seed",
                "0",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    committed = resolve("data/sample")
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert [str(f) for f in files] == [
        "contacts.csv",
        "events.csv.gz",
        "orders.csv",
        "truth/params.json",
        "truth/users.csv.gz",
    ]
    for f in files:
        assert (out / f).read_bytes() == (committed / f).read_bytes(), f"{f} differs"


# SHA-256 (first 16 hex digits) of each file a small simulation writes, gzip content
# uncompressed, recorded when the simulator was split into steps. The simulator must call the
# random generator in exactly the same order with the same arguments: a change that reorders,
# adds or drops a draw changes these. Update them only for a deliberate change of the output
# (and regenerate data/sample with `make sample` in the same commit).
PINNED = {
    "effects": {
        "contacts": "1c2d2c417b74aee2",
        "events": "6f3b0a718fc9855e",
        "orders": "3fa289bc75ff3c56",
        "truth_params": "dc0bd2fe1635e701",
        "truth_users": "9a1229d3bcc30db5",
    },
    "null": {
        "contacts": "0fa5ce82c481f8f7",
        "events": "c64f7e35b2262c55",
        "orders": "ab6da0c86d0509fd",
        "truth_params": "1e1fcc38857bfeb7",
        "truth_users": "f8cbf2ab3a9741cc",
    },
}


@pytest.mark.parametrize("world", ["effects", "null"])
def test_output_of_a_small_simulation_is_pinned(world, tmp_path):
    paths = write_simulation(simulate(1500, 6, seed=7, world=world), tmp_path)
    digests = {}
    for name, path in paths.items():
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        digests[name] = hashlib.sha256(data).hexdigest()[:16]
    assert digests == PINNED[world]


def test_output_validates_against_the_canonical_model(sim):
    t = validate_tables(sim.contacts, sim.events, sim.orders)
    assert len(t.contacts) == len(sim.contacts)
    assert len(t.events) == len(sim.events) and len(t.orders) == len(sim.orders)


def test_truth_is_written_and_documented(sim, tmp_path):
    paths = write_simulation(sim, tmp_path, fmt="parquet")
    params = json.loads(paths["truth_params"].read_text())
    assert params["world"] == "effects" and params["seed"] == 3
    assert set(params["churn"]["beta_per_sd_of_latent_value"]) == {
        "experience",
        "consumption",
        "social",
        "content",
        "innovation",
    }
    users = pd.read_csv(paths["truth_users"], dtype={"user_id": str})
    assert len(users) == len(sim.contacts) == params["counts"]["contacts"]
    for col in (
        "z_social",
        "coupon_hunter",
        "screened",
        "churn_hazard_per_day",
        "churn_prob_30d",
        "purchase_rate_per_day",
        "left_kind",
    ):
        assert col in users.columns
    pd.testing.assert_frame_equal(pd.read_parquet(paths["events"]), sim.events)


def test_hunters_concentrate_in_giveaway_events_and_leave_faster(sim):
    u = sim.users.merge(sim.contacts[["user_id", "channel", "hook"]], on="user_id")
    share = u.groupby("channel")["coupon_hunter"].mean()
    assert share["offline_event"] > 2 * share.drop("offline_event").max()
    assert (
        u.loc[u.coupon_hunter, "churn_hazard_per_day"].median()
        > 3 * u.loc[~u.coupon_hunter, "churn_hazard_per_day"].median()
    )


def test_hazard_depends_on_values_in_effects_world_and_on_nothing_in_null_world(sim):
    u = sim.users
    z = u[[c for c in u.columns if c.startswith("z_")]].to_numpy()
    log_h = np.log(u["churn_hazard_per_day"].to_numpy())
    X = np.column_stack([np.ones(len(u)), z, u["coupon_hunter"], u["screened"]])
    coef = np.linalg.lstsq(X, log_h, rcond=None)[0]
    true = sim.params["churn"]["beta_per_sd_of_latent_value"]
    # channel effects are left in the residual; the value coefficients are recovered closely
    np.testing.assert_allclose(coef[1:6], list(true.values()), atol=0.05)
    null = simulate(3000, 12, seed=3, world="null")
    assert null.users["churn_hazard_per_day"].nunique() == 1
    assert set(null.users["left_kind"].dropna()) == {"hard"}


def test_referrals_form_a_loop_with_known_k_factor(sim):
    c = sim.contacts
    referred = c["referrer_id"].notna()
    assert referred.sum() == sim.params["referrals"]["referred_contacts"] > 0
    assert c.loc[referred, "referrer_id"].isin(c["user_id"]).all()
    assert (c.loc[referred, "channel"] == "referral").all()
    joined = c.set_index("user_id")["joined_at"]
    assert (
        c.loc[referred, "joined_at"].to_numpy() >= joined[c.loc[referred, "referrer_id"]].to_numpy()
    ).all()
    assert sim.params["referrals"]["k_factor_realised"] == pytest.approx(
        referred.sum() / len(c), abs=1e-6
    )


def test_hard_churn_events_match_truth(sim):
    dels = sim.events[sim.events["event_type"] == "del_follow_user"]
    hard = sim.users[sim.users["left_kind"] == "hard"]
    assert set(dels["user_id"]) == set(hard["user_id"])
    # nobody acts after their hard churn
    last = sim.events.groupby("user_id")["occurred_at"].max()
    assert (last[hard["user_id"]].to_numpy() <= hard["left_at"].to_numpy()).all()


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="world"):
        simulate(100, 3, world="nul")
    with pytest.raises(ValueError, match="n_users"):
        simulate(3, 3)


# --- the worlds that can catch the study out ------------------------------------------------
def test_every_world_has_its_truth_and_the_new_ones_write_their_implied_aucs():
    from analysis.simulate import NULL_WORLDS, WORLDS, truth_for

    assert set(NULL_WORLDS) < set(WORLDS)
    for w in WORLDS:
        t = truth_for(w)
        values_matter = any(b != 0 for b in t.beta.values())
        assert values_matter == (w not in NULL_WORLDS), w
    assert truth_for("null_silent").p_hard == 0.5 and truth_for("null").p_hard == 1.0
    assert truth_for("null_tenure").lifetime_shape < 1
    assert any(g != 0 for g in truth_for("null_tenure").gamma_channel.values())
    ww = truth_for("wrong_weights").beta
    assert ww["social"] > 0 and ww["experience"] < 0  # against the preset's heaviest value
    small, eff = truth_for("small_effect").beta, truth_for("effects").beta
    assert all(abs(small[v]) < abs(eff[v]) for v in eff)
    sim = simulate(1500, 12, seed=5, world="wrong_weights")
    auc = sim.params["churn"]["truth_auc"]
    assert auc["best"] > auc["preset"] + 0.05  # the preset is truly wrong here
    assert sim.params["churn"]["lifetime_shape"] == 1.0
    null = simulate(1500, 12, seed=5, world="null_silent").params["churn"]["truth_auc"]
    assert null["preset"] == null["best"] == 0.5 and null["best_weights"] is None


def test_weibull_lifetimes_leave_early_and_the_oracle_matches_the_exponential_at_shape_one():
    from analysis.simulate import checks

    tenure = simulate(3000, 18, seed=2, world="null_tenure")
    u = tenure.users
    life = (
        pd.to_datetime(u["left_at"])
        - pd.to_datetime(
            tenure.contacts.set_index("user_id").reindex(u["user_id"])["joined_at"].to_numpy()
        )
    ).dt.days
    left = u["left_at"].notna().to_numpy()
    # a falling hazard: among those who left, half did so within a few months of joining
    assert np.median(life[left]) < 120
    truth = pd.DataFrame(
        {
            "user_id": ["a", "b", "c"],
            "churn_hazard_per_day": [0.01, 0.002, 0.03],
            "left_at": [pd.NaT, pd.NaT, pd.NaT],
        }
    )
    kw = dict(users=["a", "b", "c"], cutoff="2026-01-01", horizon_days=90, p_hard=0.5)
    exact = checks.oracle_churn_probability(truth, activity_rate_per_day=0.05, **kw)
    grid = checks.oracle_churn_probability(
        truth,
        activity_rate_per_day=0.05,
        lifetime_shape=1.0 + 1e-9,
        tenure_days=[10.0, 200.0, 30.0],
        **kw,
    )
    np.testing.assert_allclose(grid.to_numpy(), exact.to_numpy(), atol=2e-4)
    # shape < 1: an older user is less likely to leave in the horizon
    young, old = (
        checks.oracle_churn_probability(
            truth, activity_rate_per_day=0.05, lifetime_shape=0.5, tenure_days=[a] * 3, **kw
        )
        for a in (10.0, 400.0)
    )
    assert (young.to_numpy() > old.to_numpy()).all()
    with pytest.raises(ValueError, match="tenure_days"):
        checks.oracle_churn_probability(truth, lifetime_shape=0.5, **kw)


def test_the_command_line_knows_the_worlds_without_loading_the_simulator(tmp_path, capsys):
    """`python -m analysis report` starts without importing the simulator (scipy.stats and
    all: ~0.5 s of every `make report`); `simulate --world` still refuses an unknown world and
    lists the known ones."""
    import subprocess
    import sys

    from analysis.__main__ import main
    from analysis.simulate.touches import TOUCH_WORLDS
    from analysis.simulate.world import WORLDS

    code = "import sys, analysis.__main__; print('analysis.simulate' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    with pytest.raises(SystemExit):
        main(["simulate", "--world", "nope", "--users", "10", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert "'nope'" in err and all(w in err for w in [*WORLDS, *TOUCH_WORLDS])
