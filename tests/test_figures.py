"""Figures a reader trusts: bars of rates from zero, rates as percentages, small groups
greyed, legible text on every heatmap cell."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from analysis.plots import flow, validity  # noqa: E402
from analysis.plots.base import SMALL_GROUP_COLOR, text_color  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_incremental_bars_start_at_zero():
    t = pd.DataFrame(
        [
            dict(score="index", auc_without=0.655, auc_with=0.75, auc_diff=0.095)
            | dict(diff_lo=0.08, diff_hi=0.11, odds_ratio_per_sd=1.4)
        ]
    )
    ax = validity.plot_incremental(t)
    assert ax.get_ylim()[0] == 0


def test_rates_read_as_percentages():
    t = pd.DataFrame(
        {
            "bin": [1, 2],
            "rate": [0.43, 0.6],
            "lo": [0.4, 0.55],
            "hi": [0.46, 0.65],
            "score": "index",
            "outcome": "retained",
        }
    )
    ax = validity.plot_deciles(t)
    assert ax.yaxis.get_major_formatter()(0.43, 0) == "43%"


def _profile(users):
    n = len(users)
    return pd.DataFrame(
        {
            "name": [f"g_{i}" for i in range(n)],
            "users": users,
            "retention": [0.5] * n,
            "retention_lo": [0.4] * n,
            "retention_hi": [0.6] * n,
        }
    )


def test_small_groups_are_greyed_below_min_n():
    ax = flow.plot_persona_bars(_profile([500, 12, 30]), min_n=30)
    colors = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colors[1] == SMALL_GROUP_COLOR
    assert colors[0] != SMALL_GROUP_COLOR and colors[2] != SMALL_GROUP_COLOR
    assert "fewer than 30 users" in ax.get_legend().get_texts()[0].get_text()
    assert ax.get_ylim()[0] == 0 and ax.yaxis.get_major_formatter()(0.5, 0) == "50%"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "g 0\n(n=500)"  # identifiers read with spaces
    plain = flow.plot_persona_bars(_profile([500, 12]), min_n=10)
    assert plain.get_legend() is None


def test_heatmap_text_is_legible_on_every_cell():
    assert text_color((0.4, 0.0, 0.05, 1)) == "white"  # dark red
    assert text_color((0.02, 0.19, 0.38, 1)) == "white"  # dark blue
    assert text_color((0.97, 0.97, 0.97, 1)) == "black"
    assert text_color((0.99, 0.86, 0.78, 1)) == "black"  # light red
    cent = pd.DataFrame({"name": ["p1", "p2"], "a": [2.5, 0.1], "b": [-2.4, 0.0]})
    ax = flow.plot_persona_centroids(cent)
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["+2.5"] == "white" and colours["-2.4"] == "white"
    assert colours["+0.1"] == "black" and colours["+0.0"] == "black"


def test_money_axes_carry_their_currency():
    from analysis.plots import churn, ltv, overview

    orders = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-01", "2025-02-01"]),
            "net": [100.0, 120.0],
            "refunded": [5.0, 6.0],
            "orders": [10, 12],
        }
    )
    assert overview.plot_orders(orders).get_ylabel() == "CNY"
    assert overview.plot_orders(orders, currency="USD").get_ylabel() == "USD"
    assert overview.plot_orders(orders, lang="zh").get_ylabel() == "元"
    curve = pd.DataFrame({"share": [0.1, 0.5, 1.0], "expected_net": [10.0, 5.0, -20.0]})
    ax = churn.plot_net_value(curve, currency="USD")
    assert ax.get_ylabel().endswith("(USD)")
    assert ax.xaxis.get_major_formatter()(0.2, 0) == "20%"
    seg = pd.DataFrame(
        {"channel": ["a", "b"], "mean": [10.0, 20.0], "mean_lower": [8.0, 15.0]}
        | {"mean_upper": [12.0, 25.0]}
    )
    seg["channel"] = ["offline_store", "b"]
    ax = ltv.plot_segment_values(seg, by="channel", horizon=26, unit_one="week")
    assert ax.get_xlabel().endswith("(CNY)")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["offline store", "b"]


def test_money_titles_carry_their_currency():
    """Issue 20: a title that names money says in which currency (the axis is not enough
    when the title gives amounts, as the outreach's cost and saved value)."""
    from analysis.plots import ltv, overview
    from analysis.studies.churn_decision import decision_result

    orders = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-01", "2025-02-01"]),
            "net": [100.0, 120.0],
            "refunded": [5.0, 6.0],
            "orders": [10, 12],
        }
    )
    assert overview.plot_orders(orders, currency="USD").get_title().endswith("in USD")
    assert "（单位：元）" in overview.plot_orders(orders, lang="zh").get_title()
    hold = pd.DataFrame(
        {
            "group": ["1", "2", "total"],
            "n_customers": [10, 10, 20],
            "actual_spend": [100.0, 200.0, 300.0],
            "predicted_spend": [110.0, 190.0, 300.0],
        }
    )
    assert ltv.plot_holdout_by_group(hold, currency="USD").get_title().endswith("in USD")
    seg = pd.DataFrame({"channel": ["a", "b"], "mean": [10.0, 20.0]})
    seg = seg.assign(mean_lower=[8.0, 15.0], mean_upper=[12.0, 25.0])
    clv = ltv.plot_segment_values(seg, by="channel", horizon=26, unit_one="week", currency="USD")
    assert clv.get_title().endswith("in USD")
    risk = np.array([0.9, 0.2, 0.6, 0.1])
    res = decision_result(risk, np.array([1, 0, 1, 0]), risk, ["a", "b", "a", "b"])
    assert "in USD (cost 5 a contact" in res.plot(currency="USD").get_title()
    assert "元" in res.plot(lang="zh").get_title()


def test_phi_heatmap_text_is_legible_and_shares_read_as_percent():
    from analysis.plots import behaviours, churn, ltv

    m = pd.DataFrame(
        {
            "unit": "value:social",
            "k": [1, 1, 2, 2],
            "d": [7, 14, 7, 14],
            "phi": [0.3, 0.01, -0.3, 0.02],
            "tested": True,
            "significant": [True, False, True, False],
        }
    )
    ax = behaviours.plot_phi_heatmap(m, unit="value:social", vmax=0.3)
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["0.30*"] == "white" and colours["-0.30*"] == "white"
    assert colours["0.01"] == "black"
    gain = pd.DataFrame({"score": "m", "fraction": [0.1, 1.0], "gain": [0.4, 1.0]})
    ax = churn.plot_gain(gain)
    assert ax.xaxis.get_major_formatter()(0.1, 0) == "10%"
    assert ax.yaxis.get_major_formatter()(0.4, 0) == "40%"
    lift = gain.assign(lift=[4.0, 1.0])
    assert churn.plot_lift(lift).xaxis.get_major_formatter()(0.1, 0) == "10%"
    conc = pd.DataFrame({"top_share": [0.2, 1.0], "value_share": [0.6, 1.0], "marked": False})
    ax = ltv.plot_concentration(conc)
    assert ax.yaxis.get_major_formatter()(0.6, 0) == "60%"
