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
# # Churn early warning: who is about to go silent, and who to call first
#
# The essay's fourth link asks for data-based care of repeat buyers and an early warning on
# high-value users going silent before they leave. This report defines churn in words and
# parameters, trains two models on one cut-off and tests them on a later one (so no user's
# future leaks into training), compares them — on simulated data — with the oracle that knows
# every user's true probability of leaving, and ends with an at-risk list ranked by
# risk × five-value index, with the reasons behind each risk.

# %% tags=["parameters"]
# requires: events, orders  (tables this report cannot run without; skipped when one is empty)
data_dir = "data/sample"  # folder with contacts / events / orders
truth_dir = "data/sample/truth"  # simulator truth for the oracle; "" for real data
vocabulary = None  # vocabulary YAML, or None for the default
train_cutoff = "2026-01-01"  # models learn from the population at this cut-off ...
test_cutoff = "2026-04-01"  # ... and are judged on the population at this later one
horizon_days = 90  # churn window after the cut-off
activity = "any"  # "any" (interaction or paid order) or "purchase" counts as staying
lost_after_days = (
    90  # silent this long before the cut-off = already lost (left out); None keeps them
)
lookback_days = 180  # look-back window of the features
short_days = 30  # short window of the trend features
long_days = 90  # long window of the trend features
value_weights = "expansion"  # five-value index weights: "expansion" or "equal"
n_boot = 200  # bootstrap resamples for the intervals
random_state = 0
n_threads = 1  # native threads for the models (1 is fastest on a busy shared machine)
importance_max_samples = 100_000  # test users drawn for permutation importance (all if fewer)
top_n = 15  # rows of the at-risk list shown here
export_rows = 200  # rows of the exported at-risk list
export_csv = "churn_at_risk.csv"  # at-risk list with keyed pseudonyms, beside the report; "" skips
lang = "en"  # "en" or "zh": the language of labels, tables and readings

# %%

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis.aggregate.features import feature_dictionary
from analysis.i18n import say, tr, tr_frame
from analysis.reports import headline, report_inputs, report_parameters, save_table
from analysis.reports.provenance import provenance
from analysis.simulate import checks
from analysis.studies import churn as ch
from analysis.studies import churn_results as cr

inputs = report_inputs(data_dir, vocabulary=vocabulary, truth_dir=truth_dir, lang=lang)
tables = inputs.tables
contacts, events, orders = tables.contacts, tables.events, tables.orders
has_truth = inputs.has_truth
truth_users, truth_params, truth_files = inputs.truth_users, inputs.truth_params, inputs.truth_files

# %% [markdown]
# ## Provenance
# Code version, parameters, a SHA-256 of every input file (the simulator's truth included
# when it is used) and package versions.

# %%
params = report_parameters(globals(), notebook="notebooks/churn.py")
provenance(params, [*tables.files.values(), *truth_files])

# %% [markdown]
# ## What "churn" means here
# In words first, then the parameters that make the words exact. The features read only
# data before each cut-off; the label reads only the window after it.

# %%
definition = ch.ChurnDefinition(
    horizon_days=horizon_days,
    activity=activity,
    lost_after_days=lost_after_days,
    lookback_days=lookback_days,
    short_days=short_days,
    long_days=long_days,
)
display(Markdown(definition.describe(lang)))
tr_frame(pd.Series(definition.as_dict(), name="setting").to_frame(), lang)

# %% [markdown]
# The features, one row per user at each cut-off:

# %%
tr_frame(feature_dictionary(), lang, value_columns=["meaning"])

# %% [markdown]
# ## Train on one cut-off, test on a later one
# The models are fitted on the population at the training cut-off with its labels, and
# scored on the population at the test cut-off. The training label window ends before the
# test cut-off, so nothing the models learned from happens after the moment they are
# judged at.

# %%
test_population = ch.churn_frame(
    contacts,
    events,
    orders,
    cutoff=test_cutoff,
    definition=definition,
    vocabulary=tables.vocabulary,
)
oracle = (
    checks.oracle_for(
        truth_users, truth_params, test_population, cutoff=test_cutoff, horizon_days=horizon_days
    )
    if has_truth
    else None
)
ev = ch.evaluate_by_time(
    contacts,
    events,
    orders,
    train_cutoff=train_cutoff,
    test_cutoff=test_cutoff,
    definition=definition,
    n_boot=n_boot,
    random_state=random_state,
    oracle=oracle,
    vocabulary=tables.vocabulary,
    n_threads=n_threads,
)
balance = cr.balance_result(ev)
save_table(balance.table, "class_balance")
tr_frame(balance.table, lang, headers={"hard_churn": "n_hard_churn"})

# %%
Markdown(balance.reading(lang))

# %% [markdown]
# ## Scores side by side
# Each cell is the estimate on the test population and its 95% bootstrap interval (users
# resampled). ROC AUC: chance that a churner is ranked above a stayer (0.5 = coin toss).
# PR AUC: precision averaged over recall (the base rate = no skill). Brier score: mean
# squared error of the probability (lower is better). Gain@k%: share of all churners among
# the riskiest k% of users; lift@k%: their churn rate over the base rate.

# %%
save_table(ev.metrics, "metrics")
tr_frame(ch.metrics_wide(ev.metrics).rename(index=lambda k: tr(k, lang)), lang)

# %%
scores = cr.scores_result(ev)
best = scores.best  # the model that ranks the test population best
if scores.has_oracle:
    display(tr_frame(save_table(scores.oracle_gap, "oracle_gap"), lang))
display(Markdown(scores.reading(lang)))
headline(scores.headline(lang))

# %% [markdown]
# ## Calibration: can the probabilities be taken at face value?
# Users are grouped into ten equal-size bins by predicted probability; each point is a
# bin's mean prediction (x) against the share of it that actually churned (y). Points on
# the diagonal mean "30% risk" really is 30%.

# %%
calibration = cr.calibration_result(ev, n_bins=10)
save_table(calibration.table, "calibration")
fig, ax = plt.subplots(figsize=(6.5, 5.5))
calibration.plot(ax=ax, lang=lang)
plt.show()

# %%
Markdown(calibration.reading(lang))

# %% [markdown]
# ## Gain and lift: how many churners a limited outreach reaches
# Left: the share of all churners found when contacting the riskiest share of users
# (the diagonal is random order). Right: how many times the base rate the contacted
# group's churn rate is.

# %%
lift = cr.lift_result(ev, model=best, share=0.2)
save_table(lift.table, "lift")
fig, axes = plt.subplots(1, 2, figsize=(12, 5))
lift.plot(ax=axes[0], lang=lang)
lift.plot_lift(ax=axes[1], lang=lang)
plt.show()

# %%
Markdown(lift.reading(lang))

# %% [markdown]
# ## What drives the warning
# Permutation importance on the test population: how much ROC AUC drops when one feature
# is shuffled (the five `ev_*` evidence columns reach the model through the five-value
# scores and index). Bars are means over repeats with a 95% interval of that mean.

# %%
importance = cr.importance_result(
    ev,
    model=best,
    n_repeats=5,
    max_samples=importance_max_samples,
    random_state=random_state,
    n_threads=n_threads,
)
save_table(importance.table, "importance")
fig, ax = plt.subplots(figsize=(7, 6))
importance.plot(ax=ax, lang=lang)
plt.show()

# %%
Markdown(importance.reading(lang))

# %% [markdown]
# ## The at-risk list
# Users ranked by churn risk × five-value index (normalised on the training snapshot,
# weights below), so a likely leaver with high value comes first. The reasons are the
# features that raise each user's risk most compared with a typical user (a single-feature
# what-if: the risk with that feature set to the population median, or most common value).
# No ids are shown; the exported file carries keyed pseudonyms only.

# %%
at_risk = cr.at_risk_result(
    ev, model=best, weights=value_weights, top_n=export_rows, n_threads=n_threads
)
shown = save_table(at_risk.head(top_n), "at_risk_head")
display(
    tr_frame(
        shown[
            [
                "rank",
                "risk",
                "value_index",
                "priority",
                "stage",
                "days_since_last_interaction",
                "reason_1",
                "reason_2",
                "reason_3",
            ]
        ],
        lang,
        value_columns=["stage", "reason_1", "reason_2", "reason_3"],
    )
)

# %%
if export_csv:
    at_risk.export(export_csv)
Markdown(at_risk.export_note(export_csv, lang=lang))

# %% [markdown]
# ## Conclusions

# %%
Markdown(
    "\n".join(
        [
            say("churn.c.definition", lang, text=definition.describe(lang)),
            balance.conclusion(lang),
            scores.conclusion(lang),
            at_risk.reading(lang),
            say("churn.c.caveat", lang),
        ]
    )
)
