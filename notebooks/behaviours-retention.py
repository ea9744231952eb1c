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

# %% tags=["parameters"]
# requires: events  (tables this report cannot run without; skipped when one is empty)
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
# where the scans of events and orders run: "auto" (DuckDB on a prepared store, else pandas),
# "pandas", "duckdb" or "spark" (from disk)
engine = "auto"

# %%
from analysis.reports.summary import answer_placeholder

answer = answer_placeholder(lang)  # filled with the computed answer in the last cell

# %% [markdown]
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

# %%
import pandas as pd
from IPython.display import Markdown, display

from analysis.aggregate.behaviours import (
    assign_period,
    behaviour_counts,
    behaviour_units,
    onboarding_labels,
)
from analysis.aggregate.labels import retention_labels
from analysis.i18n import tr, tr_frame
from analysis.reports import headline, in_memory, report_inputs, report_parameters, save_table
from analysis.reports.provenance import provenance
from analysis.studies import behaviours_results as br

tables = report_inputs(data_dir, vocabulary=vocabulary, lang=lang, engine=engine).tables
# the contacts in memory; events and orders are scanned where they are (on a prepared store:
# by DuckDB from its Parquet files, and only per-user flags and the behaviour counts come back)
contacts, events, orders = in_memory(tables.contacts), tables.events, tables.orders

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
periods = br.period_summary(population, horizon_days=horizon_days)
save_table(periods.table, "periods")
display(
    tr_frame(periods.table.rename(index=lambda k: tr(k, lang)), lang).style.format(
        {
            tr("retained", lang): "{:.1%}",
            tr("hard_churn", lang): "{:.1%}",
            tr("users", lang): "{:,}",
        }
    )
)
Markdown(periods.reading(lang))

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
scan = br.scan_result(counts, alpha=alpha, method=fdr_method)
save_table(scan.table, "behaviour_metrics")
Markdown(scan.reading(lang))

# %% [markdown]
# ## Phi over k × d for the leading event types
# Each heatmap is one event type on the discovery period: rows are the threshold k, columns
# the window d, colour and number the phi correlation with retention (red = goes with
# leaving, blue = with staying); `*` marks cells significant after FDR control, blank cells
# were not testable. Read where along k and d the association peaks.

# %%
leading = br.leading_event_types(scan.discovery, n=n_heatmaps, view=view)
if leading.units:
    leading.plot(lang=lang)
Markdown(leading.reading(lang))

# %% [markdown]
# ## Discovery versus confirmation
# Every behaviour significant on the discovery period is re-tested on the confirmation
# period (FDR control over just those). It **holds** when it is significant again with the
# same sign. Points below the diagonal shrank; the gap is what the tools that report a
# single period hide.

# %%
confirmed = br.confirmation_result(
    scan.discovery, scan.confirmation, alpha=alpha, method=fdr_method
)
save_table(confirmed.table, "confirmation")
confirmed.plot(lang=lang)
Markdown(confirmed.reading(lang))

# %% [markdown]
# ## The confirmed behaviours, with intervals
# The strongest behaviours that hold, one row per behaviour, numbers from the confirmation
# period (difference in percentage points with its 95% interval), and the discovery
# difference beside it.

# %%
if len(confirmed.held):
    confirmed.plot_intervals(n=15, lang=lang)
display(
    tr_frame(confirmed.held_table(lang).head(25), lang, value_columns=["value"]).style.format(
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
best = br.threshold_result(confirmed.table, n=n_readings, view=view)
Markdown(best.reading(lang))

# %% [markdown]
# ## Held against the five-value weights
# Do the values the preset weighs most contain the strongest confirmed behaviours? For each
# value: its weight, the number of confirmed behaviours that feed it (event types of the
# value, the pooled value, or paid orders for consumption), the strongest of them and the
# ranks. Behaviours of activity-only types (read, message, ...) feed no value and are
# outside this comparison.

# %%
alignment = br.alignment_result(confirmed.table, weights=weights)
save_table(alignment.table, "value_alignment")
display(
    tr_frame(alignment.shown(lang), lang, value_columns=["value", "best_behaviour"]).style.format(
        {
            tr("weight", lang): "{:.2f}",
            tr("best_phi", lang): "{:.3f}",
            tr("share_of_top", lang): "{:.0%}",
        },
        na_rep="–",
    )
)
Markdown(alignment.reading(lang))

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
headline(br.verdict(scan, confirmed, view=view, lang=lang))

# %%
from analysis.reports.summary import behaviours_bullets, show_answer

show_answer(
    answer,
    behaviours_bullets(
        confirmed.table,
        tested=int(scan.discovery["tested"].sum()),
        declared=int(scan.discovery["significant"].sum()),
        alpha=alpha,
        view=view,
        lang=lang,
    ),
    lang,
)

# %% [markdown]
# ## Appendix: glossary, checks and provenance
#
# For reviewers: the terms used above, and exactly which data, parameters and code
# produced this report.

# %%
from analysis.reports.summary import glossary

Markdown(glossary(lang))

# %%
from analysis.reports import population as pp

if view == "onboarding":
    steps = [
        pp.step("contacts", contacts["user_id"]),
        pp.observed_step(
            contacts, days=window_days + horizon_days, end=pp.data_end(contacts, events, orders)
        ),
        pp.step("labelled", population["user_id"], days=window_days),
    ]
else:  # the population at the later cut-off (the earlier one is built the same way)
    steps = pp.cutoff_steps(
        contacts,
        events,
        orders,
        cutoff=confirmation_cutoff,
        lost_after_days=lost_after_days,
        vocabulary=tables.vocabulary,
        studied=population.loc[population["period"] == "confirmation", "user_id"],
    )
pp.show_population(pp.population(steps, lang=lang))

# %% [markdown]
# ### Provenance
# The code version, the parameters and a SHA-256 of every input file.

# %%
provenance(
    report_parameters(globals(), notebook="notebooks/behaviours-retention.py"),
    tables.files.values(),
)
