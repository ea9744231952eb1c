"""The ladder's bottleneck against the simulator's truth (issue 20, item 4).

The simulator draws every user's purchase rate (Gamma(r, α)) and the monthly rates of each
event type; :func:`~analysis.simulate.checks.ladder_step_truth` turns them into the true
probability of each forward step within a month. The report's forward conversion, read on
the default (purchase-gated) ladder, must find the weakest step where the simulator put it,
and order the steps as the truth does; the ungated ladder (sharing without buying counts as
advocacy) inflates the steps below the first purchase and orders them worse.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.simulate import simulate
from analysis.simulate.checks import ladder_step_truth
from analysis.studies import flow

START, END = "2025-02-01", "2026-06-01"


def test_ladder_step_truth_golden():
    params = {
        "active_rates_per_month": {"message": 2.0},
        "value_rates_per_month": {"inquiry": 0.5, "share": 1.0, "beta_test": 0.03},
        "purchases": {"r": 1.0, "alpha": 30.0},
    }
    got = ladder_step_truth(params).set_index("stage")
    assert got["next"].to_dict() == {
        "access": "active",
        "active": "ask",
        "ask": "act",
        "act": "again",
        "again": "advocate",
        "advocate": "ambassador",
    }
    truth = got["truth"]
    assert truth["access"] == pytest.approx(1 - np.exp(-2.0))
    assert truth["active"] == pytest.approx(1 - np.exp(-0.5))
    assert truth["ask"] == pytest.approx(0.5)  # 1 - (30 / 60)^1
    assert truth["act"] == pytest.approx(0.75)  # shape r + 1 = 2
    assert truth["advocate"] == pytest.approx(1 - np.exp(-0.03))
    assert truth.idxmin() == "advocate"
    # over 60 days every step is likelier
    assert (ladder_step_truth(params, days=60)["truth"].to_numpy() > truth.to_numpy()).all()


def _measured(sim, ladder):
    res = flow.flow_summary(
        sim.contacts, sim.events, sim.orders, start=START, end=END, ladder=ladder
    )
    return res, res["conversion"]


@pytest.mark.parametrize("seed", [0, 1])
def test_bottleneck_is_where_the_simulator_put_it(seed):
    sim = simulate(3000, months=18, seed=seed)
    truth = ladder_step_truth(sim.params).set_index("stage")["truth"]
    res, conv = _measured(sim, flow.Ladder())
    # the weakest step overall, and the weakest step of the purchase funnel (below again)
    assert res["bottleneck"]["stage"] == truth.idxmin()
    funnel = truth.loc[:"act"]
    assert flow.bottleneck(conv, to_stage="again")["stage"] == funnel.idxmin() == "ask"
    # the measured steps are ordered as the truth orders them (rank correlation)
    rate = conv.set_index("stage")["forward_rate"].reindex(truth.index)
    rho_gated = rate.rank().corr(truth.rank())
    assert rho_gated >= 0.85
    # the ungated ladder: sharers who never bought jump over the first purchase, so the step
    # out of ask looks far stronger than the truth and the order is worse
    _, plain = _measured(sim, flow.Ladder(purchase_gated=()))
    plain_rate = plain.set_index("stage")["forward_rate"].reindex(truth.index)
    assert plain_rate.rank().corr(truth.rank()) < rho_gated
    assert plain_rate["ask"] > 2 * rate["ask"]
    # on the gated ladder every user at advocate or ambassador has bought before the snapshot
    codes = res["codes"]
    top = codes.isin([flow.Ladder().stages.index(s) for s in ("advocate", "ambassador")])
    paid = sim.orders.loc[sim.orders["amount"] > sim.orders["refund_amount"].fillna(0)]
    for t in codes.columns[::4]:
        buyers = pd.Index(paid.loc[paid["ordered_at"] < t, "user_id"].astype(str).unique())
        at_top = codes.index[top[t].to_numpy()]
        assert at_top.isin(buyers).all(), t
