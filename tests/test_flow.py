"""Flow: transitions, conversion, bottleneck, time in stage (golden codes + invariants)."""

import numpy as np
import pandas as pd
import pytest

from analysis.simulate import simulate
from analysis.studies import flow
from analysis.studies.flow import NEW, OUT, Ladder

TZ = "Asia/Shanghai"
LAD = Ladder()
S = {s: i for i, s in enumerate(LAD.states)}


def codes_frame(rows):
    cols = pd.date_range("2025-01-01", periods=len(rows[0]), freq="MS", tz=TZ)
    arr = np.array([[S[x] if x != "-" else -1 for x in r] for r in rows], dtype=np.int8)
    return pd.DataFrame(
        arr, index=pd.Index([f"u{i}" for i in range(len(rows))], name="user_id"), columns=cols
    )


HAND = codes_frame(
    [
        ["active", "ask", "ask", "act"],
        ["active", "active", "silent", "lost"],
        ["-", "access", "active", "active"],
        ["ask", "act", "again", "again"],
        ["aware", "-", "-", "-"],
    ]
)


def test_transition_counts_golden():
    t = flow.transitions(HAND)
    assert t.loc["active", "ask"] == 1 and t.loc["active", "active"] == 2
    assert t.loc["active", "silent"] == 1 and t.loc["active", "access"] == 0
    assert t.loc["ask", "ask"] == 1 and t.loc["ask", "act"] == 2
    assert t.loc[NEW, "access"] == 1
    assert t.loc["aware", OUT] == 1
    assert t.loc["silent", "lost"] == 1
    assert t.to_numpy().sum() == 13  # 15 pairs minus two (-, -) pairs of u4
    sizes = flow.stage_sizes(HAND)
    assert sizes.iloc[0].to_dict()["active"] == 2 and sizes.iloc[1]["access"] == 1


def test_rows_sum_to_stage_sizes_on_simulation():
    sim = simulate(1200, months=8, seed=5)
    snaps = pd.date_range("2025-02-01", "2025-09-01", freq="MS", tz=TZ)
    codes = flow.assign_stages(sim.contacts, sim.events, sim.orders, snapshots=snaps)
    long = flow.transitions(codes, pooled=False)
    sizes = flow.stage_sizes(codes)
    for k, snap in enumerate(snaps[:-1]):
        tab = long.loc[long["snapshot"] == snap].pivot(index="from", columns="to", values="count")
        row_sums = tab.sum(axis=1).drop(NEW)
        assert row_sums.reindex(LAD.states).tolist() == sizes.loc[snap].tolist()
        col_sums = tab.sum(axis=0).drop(OUT)
        assert col_sums.reindex(LAD.states).tolist() == sizes.loc[snaps[k + 1]].tolist()
    pooled = flow.transitions(codes)
    assert pooled.to_numpy().sum() == long["count"].sum()
    rates = flow.transition_rates(pooled)
    ok = pooled.sum(axis=1) > 0
    np.testing.assert_allclose(rates.loc[ok].sum(axis=1), 1.0)


def test_forward_conversion_and_bottleneck():
    conv = flow.forward_conversion(HAND).set_index("stage")
    # active at t_k: 3 pairs (u0 k0, u1 k0, u1 k1) + u2 k2,k3 -> u2: active->active (k2->k3)
    # pairs with from=active: u0 (->ask fwd), u1 (->active stay), u1 (->silent), u2 (->active)
    assert conv.loc["active", "n"] == 4
    assert conv.loc["active", "forward"] == 1
    assert conv.loc["active", "stay_rate"] == pytest.approx(0.5)
    assert conv.loc["active", "silent_rate"] == pytest.approx(0.25)
    assert conv.loc["ask", "forward_rate"] == pytest.approx(2 / 3)
    assert np.isnan(conv.loc["ambassador", "forward_rate"])
    assert conv.loc["active", "lo"] < 0.25 < conv.loc["active", "hi"]
    b = flow.bottleneck(conv.reset_index(), min_n=1)
    assert b["stage"] == "again"  # again -> again: 0 of 1 forward
    b = flow.bottleneck(conv.reset_index(), min_n=2)
    assert b["stage"] == "active"
    # the purchase funnel alone: steps out of the stages below to_stage
    assert flow.bottleneck(conv.reset_index(), min_n=1, to_stage="again")["stage"] == "active"
    with pytest.raises(ValueError):
        flow.bottleneck(conv.reset_index(), min_n=1, from_stage="ask", to_stage="ask")
    with pytest.raises(ValueError):
        flow.bottleneck(conv.reset_index(), min_n=100)


def test_time_in_stage_golden():
    t = flow.time_in_stage(HAND).set_index("state")
    # ask: u0 spell of 2 (completed), u3 ask spell of 1 (completed)
    assert t.loc["ask", "spells"] == 2 and t.loc["ask", "completed"] == 2
    assert t.loc["ask", "mean_snapshots_completed"] == pytest.approx(1.5)
    # again: u3 k2..k3 censored at the end
    assert t.loc["again", "spells"] == 1 and t.loc["again", "completed"] == 0
    assert t.loc["again", "mean_snapshots_all"] == 2
    assert t.loc["active", "spells"] == 3  # u0 k0, u1 k0-k1, u2 k2-k3 (censored)
    assert t.loc["active", "completed"] == 2


def test_reach_and_long():
    r = flow.stage_reach(HAND).set_index("stage")
    assert r.loc["again", "users"] == 1 and r.loc["active", "users"] == 4
    long = flow.stage_long(HAND)
    assert len(long) == (HAND.to_numpy() >= 0).sum()
    assert set(long.columns) == {"user_id", "snapshot", "state"}


def test_ladder_names_come_from_vocab():
    from analysis.data.vocab import OFF_LADDER, STAGES

    assert LAD.names == {**STAGES, **OFF_LADDER}
    tab = LAD.table()
    assert list(tab["state"]) == LAD.states
    assert "contact_add" in tab.set_index("state").loc["access", "evidence"]


def test_flow_plots_draw_on_the_given_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots import flow as pf

    counts = flow.transitions(HAND)
    fig, axes = plt.subplots(2, 2)
    assert pf.plot_alluvial(HAND, states=LAD.states, ax=axes[0, 0], min_share=0) is axes[0, 0]
    assert len(axes[0, 0].patches) > 0
    pf.plot_transition_heatmap(flow.transition_rates(counts), counts=counts, ax=axes[0, 1])
    pf.plot_stage_sizes(flow.stage_sizes(HAND), ax=axes[1, 0])
    pf.plot_forward_conversion(flow.forward_conversion(HAND), bottleneck="active", ax=axes[1, 1])
    for ax in axes.ravel():
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)


def test_alluvial_reads_at_a_glance():
    """Issue 20: every state of every column is labelled with its count, the largest moves
    stand out from the faint rest, and a legend explains the colours (in zh too)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots import alluvial
    from analysis.plots import flow as pf

    rng = np.random.default_rng(0)
    p = np.r_[1.0, [0.5**i for i in range(len(LAD.states))]]  # a few stages of a few users
    codes = pd.DataFrame(
        rng.choice(np.arange(-1, len(LAD.states)), p=p / p.sum(), size=(2000, 4)),
        columns=pd.date_range("2025-01-01", periods=4, freq="MS"),
    )
    for lang in ("en", "zh"):
        fig, ax = plt.subplots(figsize=(9.5, 6.5))
        pf.plot_alluvial(codes, states=LAD.states, ax=ax, highlight=2, lang=lang)
        texts = [t.get_text() for t in ax.texts]
        for k, col in enumerate(codes.columns):
            sizes = codes[col][codes[col] >= 0].value_counts()
            for s, n in sizes.items():
                name = pf.readable(LAD.states[s], lang)
                assert f"{name} {n:,}" in texts, (lang, k, name, n)
        assert sum(1 for t in texts if t.replace(",", "").isdigit()) == 2 * 3
        alphas = sorted({round(p.get_alpha(), 2) for p in ax.patches if p.get_alpha()})
        assert alphas == [alluvial.FAINT_ALPHA, 0.8]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert pf.readable("ambassador", lang) in legend and len(legend) == len(LAD.states) + 3
        if lang == "zh":
            assert not any("stage" in t or "flow" in t for t in legend)
        plt.close(fig)
