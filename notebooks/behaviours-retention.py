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
weights = "expansion"  # five-value preset (analysis.scores.PRESETS) to hold the findings against
n_heatmaps = 4  # leading event types shown as k × d heatmaps
n_readings = 3  # plain-language readings of the best confirmed behaviours

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from analysis.aggregate.behaviours import (assign_period, behaviour_counts, behaviour_units,
                                           onboarding_labels)
from analysis.aggregate.labels import retention_labels
from analysis.behaviours import (behaviour_metrics, behaviour_phrase, best_behaviours,
                                 confirm_out_of_time, fdr_statement, threshold_reading,
                                 value_alignment)
from analysis.io import load_tables
from analysis.paths import resolve
from analysis.plots_behaviours import (plot_confirmed_intervals,
                                       plot_discovery_vs_confirmation, plot_phi_heatmap)
from analysis.provenance import provenance
from analysis.reports import headline, save_table

tables = load_tables(resolve(data_dir), vocabulary=vocabulary)
contacts, events, orders = tables.contacts, tables.events, tables.orders

# %% [markdown]
# ## Provenance
# The code version, the parameters and a SHA-256 of every input file.

# %%
provenance({"data_dir": data_dir, "vocabulary": vocabulary, "view": view, "days": days,
            "ks": ks, "horizon_days": horizon_days, "window_days": window_days,
            "split_at": split_at, "discovery_cutoff": discovery_cutoff,
            "confirmation_cutoff": confirmation_cutoff, "lost_after_days": lost_after_days,
            "alpha": alpha,
            "fdr_method": fdr_method, "weights": weights, "n_heatmaps": n_heatmaps,
            "n_readings": n_readings}, tables.files.values())

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
    labels = onboarding_labels(contacts, events, orders, window_days=window_days,
                               horizon_days=horizon_days, vocabulary=tables.vocabulary)
    population = assign_period(labels, split_at=split_at)
else:
    population = pd.concat(
        [retention_labels(contacts, events, orders, cutoff=c, horizon_days=horizon_days,
                          lost_after_days=lost_after_days,
                          vocabulary=tables.vocabulary).assign(period=p)
         for c, p in ((discovery_cutoff, "discovery"), (confirmation_cutoff, "confirmation"))],
        ignore_index=True)
periods = (population.groupby("period", sort=False)
           .agg(users=("retained", "size"), retained=("retained", "mean"),
                hard_churn=("churned_hard", "mean"), label_from=("cutoff", "min"),
                label_until=("cutoff", "max"))
           .reindex(["discovery", "confirmation"]))
save_table(periods, "periods")
display(periods.style.format({"retained": "{:.1%}", "hard_churn": "{:.1%}", "users": "{:,}"}))
Markdown(f"{periods.loc['discovery', 'users']:,} users discover and "
         f"{periods.loc['confirmation', 'users']:,} confirm; "
         f"{periods.loc['discovery', 'retained']:.1%} and "
         f"{periods.loc['confirmation', 'retained']:.1%} of them are retained over "
         f"{horizon_days} days.")

# %% [markdown]
# ## The scan and its error control
# Every unit × k × d is one candidate behaviour. For each: reach, retention among doers
# (PPV) and non-doers, NPV (share of non-doers not retained), phi, the retention difference
# with a Newcombe 95% interval, and a χ² p-value. Behaviours with an expected cell count
# below 5 are not tested. False-discovery-rate control runs over every tested behaviour of
# a period at once.

# %%
units = behaviour_units(tables.vocabulary)
counts = behaviour_counts(events, orders, population=population, view=view, days=days, ks=ks,
                          units=units, group="period", vocabulary=tables.vocabulary)
metrics = behaviour_metrics(counts, alpha=alpha, method=fdr_method)
save_table(metrics, "behaviour_metrics")
disc = metrics.loc[metrics["group"] == "discovery"].reset_index(drop=True)
conf = metrics.loc[metrics["group"] == "confirmation"].reset_index(drop=True)
disc.attrs.update(metrics.attrs)
Markdown(fdr_statement(metrics))

# %% [markdown]
# ## Phi over k × d for the leading event types
# Each heatmap is one event type on the discovery period: rows are the threshold k, columns
# the window d, colour and number the phi correlation with retention (red = goes with
# leaving, blue = with staying); `*` marks cells significant after FDR control, blank cells
# were not testable. Read where along k and d the association peaks.

# %%
leading = (disc.loc[(disc["kind"] == "event_type") & disc["tested"]]
           .assign(abs_phi=lambda t: t["phi"].abs())
           .groupby("unit")["abs_phi"].max().sort_values(ascending=False)
           .head(n_heatmaps).index.tolist())
lim = float(disc.loc[disc["unit"].isin(leading) & disc["tested"], "phi"].abs().max())
fig, axes = plt.subplots(1, len(leading), figsize=(4.2 * len(leading), 3.6), squeeze=False)
for unit, ax in zip(leading, axes[0]):
    plot_phi_heatmap(disc, unit=unit, ax=ax, vmax=lim, title=f"phi: {unit} (discovery)")
fig.tight_layout()
peak = disc.loc[disc["unit"].isin(leading) & disc["tested"]].sort_values("phi").iloc[-1]
low = disc.loc[disc["unit"].isin(leading) & disc["tested"]].sort_values("phi").iloc[0]
Markdown(f"Among the leading event types the strongest positive cell is: users who "
         f"{behaviour_phrase(peak['unit'], peak['k'], peak['d'], view=view)} (phi "
         f"{peak['phi']:.2f}, reach {peak['reach']:.0%}); the strongest negative: users who "
         f"{behaviour_phrase(low['unit'], low['k'], low['d'], view=view)} (phi "
         f"{low['phi']:.2f}, reach {low['reach']:.0%}). A negative behaviour such as leaving a "
         "group can be the departure itself seen early rather than a warning sign. Phi rewards common behaviours: at a given difference in "
         "retention, a behaviour that more users do has a larger phi.")

# %% [markdown]
# ## Discovery versus confirmation
# Every behaviour significant on the discovery period is re-tested on the confirmation
# period (FDR control over just those). It **holds** when it is significant again with the
# same sign. Points below the diagonal shrank; the gap is what the tools that report a
# single period hide.

# %%
confirmed = save_table(confirm_out_of_time(disc, conf, alpha=alpha, method=fdr_method),
                       "confirmation")
ax = plot_discovery_vs_confirmation(confirmed,
                                    title="Retention difference: discovery vs confirmation")
held = confirmed.loc[confirmed["holds"]]
Markdown(f"{len(confirmed)} behaviours were discovered; {len(held)} "
         f"({len(held) / max(len(confirmed), 1):.0%}) hold on the later period. For those "
         f"that hold, the later difference is a median {(1 - held['shrinkage']).median():.0%} "
         f"of the discovered one (median phi ratio later/earlier "
         f"{held['phi_ratio'].median():.2f}); over all discovered behaviours, including those "
         f"that failed, it is {(1 - confirmed['shrinkage']).median():.0%}. "
         + ("Picking the winners of a scan inflates their first estimates; the later "
            "period shows that shrinkage here."
            if (1 - confirmed["shrinkage"]).median() < 1 else
            "Picking the winners of a scan usually inflates their first estimates; here the "
            "later period does not show it (the effects are large against the noise).")
         if len(confirmed) else "No behaviour was significant on the discovery period.")

# %% [markdown]
# ## The confirmed behaviours, with intervals
# The strongest behaviours that hold, one row per behaviour, numbers from the confirmation
# period (difference in percentage points with its 95% interval), and the discovery
# difference beside it.

# %%
if len(held):
    plot_confirmed_intervals(confirmed, n=15,
                             title="Strongest confirmed behaviours (confirmation period)")
table = held.assign(behaviour=lambda t: t["unit"] + " ≥" + t["k"].astype(str) + " in "
                    + t["d"].map("{:g}".format) + "d")
display(table[["behaviour", "value", "reach_conf", "retention_did_conf",
               "retention_not_conf", "phi_conf", "diff_conf", "diff_lo_conf", "diff_hi_conf",
               "diff_disc", "shrinkage", "q_conf"]].head(25).style.format(
    {"reach_conf": "{:.1%}", "retention_did_conf": "{:.1%}", "retention_not_conf": "{:.1%}",
     "phi_conf": "{:.3f}", "diff_conf": "{:+.3f}", "diff_lo_conf": "{:+.3f}",
     "diff_hi_conf": "{:+.3f}", "diff_disc": "{:+.3f}", "shrinkage": "{:.0%}",
     "q_conf": "{:.2g}"}, na_rep="–"))

# %% [markdown]
# ## Threshold readings
# The best confirmed behaviours (the strongest (k, d) of each unit), read as sentences.

# %%
best = best_behaviours(confirmed, n=n_readings)
Markdown("\n".join(f"{i + 1}. {threshold_reading(r, view=view)}."
                   for i, (_, r) in enumerate(best.iterrows()))
         if len(best) else "No behaviour with a positive association holds on the later "
         "period: there is no threshold to read.")

# %% [markdown]
# ## Held against the five-value weights
# Do the values the preset weighs most contain the strongest confirmed behaviours? For each
# value: its weight, the number of confirmed behaviours that feed it (event types of the
# value, the pooled value, or paid orders for consumption), the strongest of them and the
# ranks. Behaviours of activity-only types (read, message, ...) feed no value and are
# outside this comparison.

# %%
alignment = save_table(value_alignment(confirmed, weights=weights), "value_alignment")
display(alignment.style.format({"weight": "{:.2f}", "best_phi": "{:.3f}",
                                "share_of_top": "{:.0%}"}, na_rep="–"))
top_weighted = alignment.loc[alignment["weight_rank"] == 1, "value"].tolist()
top_evidence = alignment.sort_values("evidence_rank").iloc[0]
rho = alignment[["weight", "best_phi"]].fillna({"best_phi": 0.0}).corr(method="spearman").iloc[0, 1]
no_value = held.loc[held["value"].isna() & (held["phi_conf"] > 0)]
overall = held.loc[held["phi_conf"] > 0].head(1)
Markdown(
    f"The `{weights}` preset weighs {' and '.join(top_weighted)} most. The strongest "
    f"confirmed behaviour that feeds a value belongs to **{top_evidence['value']}** "
    f"({top_evidence['best_behaviour']}, phi {top_evidence['best_phi']:.3f}), "
    + ("which is among the values the preset weighs most. "
       if top_evidence["value"] in top_weighted
       else "which the preset does not weigh most. ")
    + f"Across the five values, the rank correlation between weight and strongest confirmed "
    f"phi is {rho:+.2f}. "
    + (f"{len(no_value)} confirmed behaviours with a positive association feed no value "
       f"(activity-only types); the strongest overall is {overall.iloc[0]['unit']} "
       f"(phi {overall.iloc[0]['phi_conf']:.3f})." if len(overall) else ""))

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
    f"In one line: of {int(disc['tested'].sum())} behaviours tested on the discovery period, "
    f"{int(disc['significant'].sum())} were declared at a {alpha:.0%} false-discovery rate "
    f"and {len(held)} held on the later period"
    + (f"; the best positive one: {threshold_reading(best.iloc[0], view=view)}."
       if len(best) else "."))
