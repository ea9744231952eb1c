# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Which early behaviours go with users who stay?
#
# Product-analytics tools (Amplitude Compass, Mixpanel Signal) score a binary behaviour —
# "did event E at least k times in the first d days" — against retention with a phi
# correlation, plus reach, PPV and NPV. This report does the same scan over every event
# type, every five value (its events pooled) and paid orders, across a grid of thresholds
# k and windows d, and adds what those tools leave out: a confidence interval for each
# retention difference, false-discovery-rate control across the whole grid, and a check
# that what was found on earlier cohorts holds on later ones. It ends by holding the
# confirmed behaviours against the five-value weights.
#
# Everything here is **association**, not cause: a behaviour that goes with staying may
# only mark users who were going to stay anyway.

# %% tags=["parameters"]
data_dir = "data/sample"  # folder with contacts / events / orders (CSV or Parquet)
vocabulary = None  # path to a vocabulary YAML, or None for the default
view = "onboarding"  # "onboarding": first d days after joining; "snapshot": d days before a cut-off
days = [1, 3, 7, 14, 30]  # windows d (days)
ks = [1, 2, 3, 5, 10]  # thresholds k (at least k times)
horizon_days = 90  # retained: qualifying activity in the next horizon_days and no hard churn
window_days = 30  # onboarding: the label starts window_days after joining (at least max(days))
split_at = "2025-10-01"  # onboarding: joins before it discover, joins from it confirm
discovery_cutoff = "2025-10-01"  # snapshot: earlier cut-off (discovery)
confirmation_cutoff = "2026-01-01"  # snapshot: later cut-off (confirmation)
lost_after_days = None  # snapshot: drop users silent this long before a cut-off (None keeps them)
alpha = 0.05  # false-discovery rate
fdr_method = "fdr_bh"  # "fdr_bh" (Benjamini–Hochberg) or "fdr_by" (any dependence)
weights = (
    "expansion"  # five-value preset (analysis.studies.scores.PRESETS) to hold the findings against
)
n_heatmaps = 4  # leading event types shown as k × d heatmaps
n_readings = 3  # plain-language readings of the best confirmed behaviours
lang = "en"  # "en" or "zh": the language of labels, tables and readings

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis.aggregate.behaviours import (
    assign_period,
    behaviour_counts,
    behaviour_units,
    onboarding_labels,
)
from analysis.aggregate.labels import retention_labels
from analysis.data.load import load_tables
from analysis.i18n import AND_SEP, say, tr, tr_frame
from analysis.paths import resolve
from analysis.plots.base import use_cjk_font
from analysis.plots.behaviours import (
    plot_confirmed_intervals,
    plot_discovery_vs_confirmation,
    plot_phi_heatmap,
)
from analysis.reports import headline, save_table
from analysis.reports.provenance import provenance
from analysis.studies.behaviours import (
    behaviour_metrics,
    behaviour_phrase,
    best_behaviours,
    confirm_out_of_time,
    fdr_statement,
    threshold_reading,
    value_alignment,
)

if lang == "zh":
    use_cjk_font()
tables = load_tables(resolve(data_dir), vocabulary=vocabulary)
contacts, events, orders = tables.contacts, tables.events, tables.orders

# %% [markdown]
# ## Provenance
# The code version, the parameters and a SHA-256 of every input file.

# %%
provenance(
    {
        "data_dir": data_dir,
        "vocabulary": vocabulary,
        "view": view,
        "days": days,
        "ks": ks,
        "horizon_days": horizon_days,
        "window_days": window_days,
        "split_at": split_at,
        "discovery_cutoff": discovery_cutoff,
        "confirmation_cutoff": confirmation_cutoff,
        "lost_after_days": lost_after_days,
        "alpha": alpha,
        "fdr_method": fdr_method,
        "weights": weights,
        "n_heatmaps": n_heatmaps,
        "n_readings": n_readings,
        "lang": lang,
    },
    tables.files.values(),
)

# %% [markdown]
# ## Who is counted, and what "retained" means
# In the **onboarding** view each user's label starts `window_days` after their own join:
# retained = a qualifying activity (an interaction event or a paid order) in the following
# `horizon_days` and no hard churn (deleting the brand's contact) there; users who churned
# hard before their label starts, and users whose label window is not yet observed, are
# left out. Behaviours are counted in the first d days after joining, so they never overlap
# the label. Earlier join cohorts discover, later ones confirm. In the **snapshot** view the
# shared `retention_labels` at two cut-offs play these roles; there the same user can sit in
# both periods, so the confirmation is out of time but not on new users.

# %%
if view == "onboarding":
    labels = onboarding_labels(
        contacts,
        events,
        orders,
        window_days=window_days,
        horizon_days=horizon_days,
        vocabulary=tables.vocabulary,
    )
    population = assign_period(labels, split_at=split_at)
else:
    population = pd.concat(
        [
            retention_labels(
                contacts,
                events,
                orders,
                cutoff=c,
                horizon_days=horizon_days,
                lost_after_days=lost_after_days,
                vocabulary=tables.vocabulary,
            ).assign(period=p)
            for c, p in ((discovery_cutoff, "discovery"), (confirmation_cutoff, "confirmation"))
        ],
        ignore_index=True,
    )
periods = (
    population.groupby("period", sort=False)
    .agg(
        users=("retained", "size"),
        retained=("retained", "mean"),
        hard_churn=("churned_hard", "mean"),
        label_from=("cutoff", "min"),
        label_until=("cutoff", "max"),
    )
    .reindex(["discovery", "confirmation"])
)
save_table(periods, "periods")
display(
    tr_frame(periods.rename(index=lambda k: tr(k, lang)), lang).style.format(
        {
            tr("retained", lang): "{:.1%}",
            tr("hard_churn", lang): "{:.1%}",
            tr("users", lang): "{:,}",
        }
    )
)
Markdown(
    say(
        "behaviours.periods",
        lang,
        disc_users=periods.loc["discovery", "users"],
        conf_users=periods.loc["confirmation", "users"],
        disc_rate=periods.loc["discovery", "retained"],
        conf_rate=periods.loc["confirmation", "retained"],
        horizon=horizon_days,
    )
)

# %% [markdown]
# ## The scan and its error control
# Every unit × k × d is one candidate behaviour. For each: reach, retention among doers
# (PPV) and non-doers, NPV (share of non-doers not retained), phi, the retention difference
# with a Newcombe 95% interval, and a χ² p-value. Behaviours with an expected cell count
# below 5 are not tested. False-discovery-rate control runs over every tested behaviour of
# a period at once.

# %%
units = behaviour_units(tables.vocabulary)
counts = behaviour_counts(
    events,
    orders,
    population=population,
    view=view,
    days=days,
    ks=ks,
    units=units,
    group="period",
    vocabulary=tables.vocabulary,
)
metrics = behaviour_metrics(counts, alpha=alpha, method=fdr_method)
save_table(metrics, "behaviour_metrics")
disc = metrics.loc[metrics["group"] == "discovery"].reset_index(drop=True)
conf = metrics.loc[metrics["group"] == "confirmation"].reset_index(drop=True)
disc.attrs.update(metrics.attrs)
Markdown(fdr_statement(metrics, lang=lang))

# %% [markdown]
# ## Phi over k × d for the leading event types
# Each heatmap is one event type on the discovery period: rows are the threshold k, columns
# the window d, colour and number the phi correlation with retention (red = goes with
# leaving, blue = with staying); `*` marks cells significant after FDR control, blank cells
# were not testable. Read where along k and d the association peaks.

# %%
leading = (
    disc.loc[(disc["kind"] == "event_type") & disc["tested"]]
    .assign(abs_phi=lambda t: t["phi"].abs())
    .groupby("unit")["abs_phi"]
    .max()
    .sort_values(ascending=False)
    .head(n_heatmaps)
    .index.tolist()
)
lim = float(disc.loc[disc["unit"].isin(leading) & disc["tested"], "phi"].abs().max())
fig, axes = plt.subplots(1, len(leading), figsize=(4.2 * len(leading), 3.6), squeeze=False)
for unit, ax in zip(leading, axes[0]):
    plot_phi_heatmap(
        disc,
        unit=unit,
        ax=ax,
        vmax=lim,
        lang=lang,
        title=say("behaviours.plot.phi_discovery", lang, unit=tr(unit, lang)),
    )
fig.tight_layout()
peak = disc.loc[disc["unit"].isin(leading) & disc["tested"]].sort_values("phi").iloc[-1]
low = disc.loc[disc["unit"].isin(leading) & disc["tested"]].sort_values("phi").iloc[0]
Markdown(
    say(
        "behaviours.peak",
        lang,
        peak=behaviour_phrase(peak["unit"], peak["k"], peak["d"], view=view, lang=lang),
        peak_phi=peak["phi"],
        peak_reach=peak["reach"],
        low=behaviour_phrase(low["unit"], low["k"], low["d"], view=view, lang=lang),
        low_phi=low["phi"],
        low_reach=low["reach"],
    )
)

# %% [markdown]
# ## Discovery versus confirmation
# Every behaviour significant on the discovery period is re-tested on the confirmation
# period (FDR control over just those). It **holds** when it is significant again with the
# same sign. Points below the diagonal shrank; the gap is what the tools that report a
# single period hide.

# %%
confirmed = save_table(
    confirm_out_of_time(disc, conf, alpha=alpha, method=fdr_method), "confirmation"
)
ax = plot_discovery_vs_confirmation(
    confirmed, lang=lang, title="Retention difference: discovery vs confirmation"
)
held = confirmed.loc[confirmed["holds"]]
Markdown(
    say(
        "behaviours.confirmed",
        lang,
        n=len(confirmed),
        held=len(held),
        held_share=len(held) / max(len(confirmed), 1),
        kept=(1 - held["shrinkage"]).median(),
        phi_ratio=held["phi_ratio"].median(),
        kept_all=(1 - confirmed["shrinkage"]).median(),
        judgement=say(
            "behaviours.shrinks"
            if (1 - confirmed["shrinkage"]).median() < 1
            else "behaviours.no_shrink",
            lang,
        ),
    )
    if len(confirmed)
    else say("behaviours.none_discovered", lang)
)

# %% [markdown]
# ## The confirmed behaviours, with intervals
# The strongest behaviours that hold, one row per behaviour, numbers from the confirmation
# period (difference in percentage points with its 95% interval), and the discovery
# difference beside it.

# %%
if len(held):
    plot_confirmed_intervals(
        confirmed, n=15, lang=lang, title="Strongest confirmed behaviours (confirmation period)"
    )
table = held.assign(
    behaviour=[
        say("behaviours.plot.label", lang, unit=tr(u, lang), k=k, d=f"{d:g}")
        for u, k, d in zip(held["unit"], held["k"], held["d"])
    ]
)
display(
    tr_frame(
        table[
            [
                "behaviour",
                "value",
                "reach_conf",
                "retention_did_conf",
                "retention_not_conf",
                "phi_conf",
                "diff_conf",
                "diff_lo_conf",
                "diff_hi_conf",
                "diff_disc",
                "shrinkage",
                "q_conf",
            ]
        ].head(25),
        lang,
        value_columns=["value"],
    ).style.format(
        {
            tr(c, lang): f
            for c, f in {
                "reach_conf": "{:.1%}",
                "retention_did_conf": "{:.1%}",
                "retention_not_conf": "{:.1%}",
                "phi_conf": "{:.3f}",
                "diff_conf": "{:+.3f}",
                "diff_lo_conf": "{:+.3f}",
                "diff_hi_conf": "{:+.3f}",
                "diff_disc": "{:+.3f}",
                "shrinkage": "{:.0%}",
                "q_conf": "{:.2g}",
            }.items()
        },
        na_rep="–",
    )
)

# %% [markdown]
# ## Threshold readings
# The best confirmed behaviours (the strongest (k, d) of each unit), read as sentences.

# %%
best = best_behaviours(confirmed, n=n_readings)
Markdown(
    "\n".join(
        say("behaviours.reading", lang, i=i + 1, text=threshold_reading(r, view=view, lang=lang))
        for i, (_, r) in enumerate(best.iterrows())
    )
    if len(best)
    else say("behaviours.no_threshold", lang)
)

# %% [markdown]
# ## Held against the five-value weights
# Do the values the preset weighs most contain the strongest confirmed behaviours? For each
# value: its weight, the number of confirmed behaviours that feed it (event types of the
# value, the pooled value, or paid orders for consumption), the strongest of them and the
# ranks. Behaviours of activity-only types (read, message, ...) feed no value and are
# outside this comparison.

# %%
alignment = save_table(value_alignment(confirmed, weights=weights), "value_alignment")
display(
    tr_frame(alignment, lang, value_columns=["value"]).style.format(
        {
            tr("weight", lang): "{:.2f}",
            tr("best_phi", lang): "{:.3f}",
            tr("share_of_top", lang): "{:.0%}",
        },
        na_rep="–",
    )
)
top_weighted = alignment.loc[alignment["weight_rank"] == 1, "value"].tolist()
top_evidence = alignment.sort_values("evidence_rank").iloc[0]
rho = alignment[["weight", "best_phi"]].fillna({"best_phi": 0.0}).corr(method="spearman").iloc[0, 1]
no_value = held.loc[held["value"].isna() & (held["phi_conf"] > 0)]
overall = held.loc[held["phi_conf"] > 0].head(1)
Markdown(
    say(
        "behaviours.alignment",
        lang,
        weights=weights,
        top_weighted=AND_SEP[lang].join(tr(v, lang) for v in top_weighted),
        value=tr(top_evidence["value"], lang),
        behaviour=top_evidence["best_behaviour"],
        phi=top_evidence["best_phi"],
        among=say(
            "behaviours.among_top"
            if top_evidence["value"] in top_weighted
            else "behaviours.not_top",
            lang,
        )
        + (" " if lang == "en" else ""),
        rho=rho,
        no_value=say(
            "behaviours.no_value",
            lang,
            n=len(no_value),
            unit=tr(overall.iloc[0]["unit"], lang),
            phi=overall.iloc[0]["phi_conf"],
        )
        if len(overall)
        else "",
    )
)

# %% [markdown]
# ## Reading these results honestly
# * Phi grows with reach; a frequent behaviour can outrank a rarer one with a larger
#   retention difference. Compare the difference and its interval, not only phi.
# * Retention here is "still doing something", so any early activity partly measures the
#   same habit as the label; users who quietly stopped early (no hard churn) stay in the
#   population and weigh on every behaviour.
# * The grid's behaviours overlap heavily (nested k and d); FDR control keeps the share of
#   false declarations at the stated rate but the declared behaviours are not independent
#   findings.

# %%
headline(
    say(
        "behaviours.headline",
        lang,
        tested=int(disc["tested"].sum()),
        declared=int(disc["significant"].sum()),
        alpha=alpha,
        held=len(held),
        best=say(
            "behaviours.headline_best",
            lang,
            text=threshold_reading(best.iloc[0], view=view, lang=lang),
        )
        if len(best)
        else say("behaviours.headline_end", lang),
    )
)
