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
# # Churn early warning: who is about to go silent, as of today, and what to do

# %% tags=["parameters"]
# requires: events  (tables this report cannot run without; skipped when one is empty)
data_dir = "data/sample"  # folder with contacts / events / orders
truth_dir = "data/sample/truth"  # simulator truth for the oracle; "" for real data
vocabulary = None  # vocabulary YAML, or None for the default
list_as_of = ""  # date of the at-risk list; "" = the end of the data
horizon_days = 90  # churn window after each cut-off (the windows are this far apart)
activity = "any"  # "any" (interaction or paid order) or "purchase" counts as staying
lost_after_days = (
    90  # silent this long before the cut-off = already lost (left out); None keeps them
)
lookback_days = 180  # look-back window of the features
short_days = 30  # short window of the trend features
long_days = 90  # long window of the trend features
value_weights = "expansion"  # five-value index weights: "expansion" or "equal"
risk_cuts = [0.2, 0.5]  # risk tiers: low below 20%, medium below 50%, high from 50%
next_steps_file = ""  # YAML rule table of next steps per reason; "" = the kit's default
n_boot = 200  # bootstrap resamples for the intervals
random_state = 0
fit_sample = 200_000  # most users a model is fitted on (random, random_state); all are scored
n_threads = 2  # gradient boosting's threads (same models for any number; 1 if the cores are busy)
importance_max_samples = 20_000  # test users drawn for the importance (all if fewer)
importance_boot = 100  # user resamples of the importance intervals
contact_cost = 5.0  # cost of one contact (staff time of a 1:1 message)
currency = "CNY"  # the currency of the costs and values (and of the orders' amounts)
saved_value = 300.0  # worth of a customer kept (about a year's net spend; use the ltv report's CLV)
save_rate = 0.1  # share of contacted would-be churners kept (an assumption until tested)
top_n = 15  # rows of the at-risk list shown here
export_rows = 200  # rows of the exported at-risk list
export_csv = "churn_at_risk.csv"  # at-risk list with keyed pseudonyms, beside the report; "" skips
lang = "en"  # "en" or "zh": the language of labels, tables and readings
# where the scans of events and orders run: "auto" (DuckDB on a prepared store, else pandas),
# "pandas", "duckdb" or "spark" (from disk)
engine = "auto"

# %%
from analysis.reports.summary import answer_placeholder

answer = answer_placeholder(lang)  # filled with the computed answer in the last cell

# %% [markdown]
# The essay's fourth link asks for data-based care of repeat buyers and an early warning on
# high-value users going silent before they leave. This report defines churn in words and
# parameters; lets candidate models learn on one window, chooses and calibrates one on the
# next, and tests it once on the latest fully observed window (so no user's future leaks
# into the choice); checks how much of its skill is early warning rather than reading the
# departure itself; and ends with the at-risk list **as of the end of the data**: everyone
# still a customer then, with risk tiers, the reasons behind each risk in words and a
# suggested next step from an editable rule table.

# %%
from functools import partial

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis.i18n import say, tr, tr_frame
from analysis.reports import (
    headline,
    in_memory,
    report_inputs,
    report_parameters,
    save_table,
)
from analysis.reports.provenance import provenance
from analysis.simulate import checks
from analysis.studies import churn as ch
from analysis.studies import churn_asof as ca
from analysis.studies import churn_asof_results as car
from analysis.studies import churn_decision as cd
from analysis.studies import churn_list as cl
from analysis.studies import churn_results as cr
from analysis.studies import churn_time as ct

pd.set_option("display.max_colwidth", None)  # the feature meanings and reasons in full
inputs = report_inputs(
    data_dir, vocabulary=vocabulary, truth_dir=truth_dir, lang=lang, engine=engine
)
tables = inputs.tables
# the contacts in memory; events and orders are scanned where they are (on a prepared store:
# by DuckDB from its Parquet files, and only per-user tables come back)
contacts, events, orders = in_memory(tables.contacts), tables.events, tables.orders
has_truth = inputs.has_truth
truth_users, truth_params, truth_files = inputs.truth_users, inputs.truth_params, inputs.truth_files

# %%
params = report_parameters(globals(), notebook="notebooks/churn.py")

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
cr.definition_table(definition, lang)

# %% [markdown]
# The features, one row per user at each cut-off. Two of them record leaving rather than
# warn of it (`group_quits`, `in_group`): the early-warning model does without them.

# %%
cr.feature_table(lang)

# %% [markdown]
# ## Four windows: learn, choose, test once, list
# Each window is one horizon after the previous one and ends at the list's date.

# %%
oracle = (
    partial(checks.oracle_for, truth_users, truth_params, horizon_days=horizon_days)
    if has_truth
    else None
)
res = ca.churn_as_of(
    contacts,
    events,
    orders,
    as_of=list_as_of or None,
    definition=definition,
    n_boot=n_boot,
    random_state=random_state,
    oracle=oracle,
    vocabulary=tables.vocabulary,
    n_threads=n_threads,
    fit_sample=fit_sample,
    keep_frames=("train", "test", "current"),  # (the validation window: its balance only)
)
windows = car.windows_result(res)
display(tr_frame(save_table(windows.table, "windows"), lang))
Markdown(windows.reading(lang))

# %%
balance = cr.BalanceResult(res.class_balance(), horizon_days=horizon_days)
save_table(balance.table, "class_balance")
cr.readable(
    tr_frame(balance.table, lang, headers={"hard_churn": "n_hard_churn"}),
    lang,
    percent=["churn_rate", "lo", "hi"],
)

# %% [markdown]
# ## Choosing the model on the validation window
# Each cell is the estimate on the validation population and its 95% bootstrap interval
# (users resampled). ROC AUC: chance that a churner is ranked above a stayer (0.5 = coin
# toss). PR AUC: precision averaged over recall (the base rate = no skill). Brier score: mean
# squared error of the probability (lower is better). Gain@k%: share of all churners among
# the riskiest k% of users; lift@k%: their churn rate over the base rate.

# %%
choice = car.choice_result(res)
save_table(choice.table, "validation_metrics")
display(tr_frame(ch.metrics_wide(choice.table).rename(index=lambda k: tr(k, lang)), lang))
Markdown(choice.reading(lang))

# %% [markdown]
# ## The test window, read once
# The chosen model with its calibration, on the latest fully observed window.

# %%
tested = car.tested_result(res)
save_table(tested.table, "metrics")
display(tr_frame(ch.metrics_wide(tested.model_table).rename(index=lambda k: tr(k, lang)), lang))
display(Markdown(tested.reading(lang, with_oracle=False)))  # the oracle: in the appendix
headline(tested.headline(lang))

# %% [markdown]
# ## Early warning, or the departure itself?
# The same kind of model learned with and without the features that record leaving
# (group quits, no longer in a group), scored on the same test users; the gap and its
# interval are paired.

# %%
departures = car.departures_result(res)
save_table(departures.table, "departure_comparison")
display(tr_frame(ch.metrics_wide(departures.table).rename(index=lambda k: tr(k, lang)), lang))
Markdown(departures.reading(lang))

# %% [markdown]
# ## Calibration: can the probabilities be taken at face value?
# Users of the test window are grouped into ten equal-size bins by predicted probability;
# each point is a bin's mean prediction (x) against the share of it that actually churned
# (y). Points on the diagonal mean "30% risk" really is 30%.

# %%
ev = car.evaluation_view(res)
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
lift = cr.lift_result(ev, model=res.choice.chosen, share=0.2)
save_table(lift.table, "lift")
fig, axes = plt.subplots(1, 2, figsize=(12, 5))
lift.plot(ax=axes[0], lang=lang)
lift.plot_lift(ax=axes[1], lang=lang)
plt.show()

# %%
Markdown(lift.reading(lang))

# %% [markdown]
# ## What drives the warning, and which way
# Permutation importance on the test window: how much ROC AUC drops when one feature is
# shuffled, with a 95% interval over bootstrap resamples of the users. The colour and the
# number beside each bar give its direction: the change in mean predicted risk (percentage
# points) when the feature is moved from its lower to its upper quartile for everyone.

# %%
importance = car.importance_users_result(
    res,
    n_boot=importance_boot,
    max_samples=importance_max_samples,
    random_state=random_state,
    n_threads=n_threads,
)
save_table(importance.table, "importance")
fig, ax = plt.subplots(figsize=(7.5, 6.5))
importance.plot(ax=ax, lang=lang)
plt.show()

# %%
Markdown(importance.reading(lang))

# %% [markdown]
# ## Whom to contact: the decision view
# Each contact costs `contact_cost`; a would-be churner who is contacted is kept with
# probability `save_rate`, which is worth `saved_value`. The expected net value of
# contacting the riskiest share of users (from the predicted risks), next to the value
# realised on the test window (from who did churn), and the same for each risk tier of the
# list. The gain and lift curves above say how many churners each share reaches.

# %%
decision = cd.decision_result(
    res.test_predictions[res.choice.chosen],
    res.test_predictions["churned"],
    res.current_risk,
    cl.risk_tier(res.current_risk, cuts=tuple(risk_cuts)),
    contact_cost=contact_cost,
    saved_value=saved_value,
    save_rate=save_rate,
)
save_table(decision.table, "decision_curve")
display(
    cr.readable(
        tr_frame(save_table(decision.tiers, "decision_tiers"), lang, value_columns=["tier"]),
        lang,
        percent=["mean_risk"],
        money=["net_per_contact", "expected_net"],
        currency=currency,
    )
)
fig, ax = plt.subplots(figsize=(7, 5))
decision.plot(ax=ax, currency=currency, lang=lang)
plt.show()

# %%
Markdown(decision.reading(lang, currency=currency))

# %% [markdown]
# ## Time to churn, two ways to leave
# From a landmark (the training cut-off), each customer then is followed until the end of
# the data. They leave the **hard** way (delete the contact) or **silently** (no interaction
# or paid order for the silence threshold; counted when the threshold is reached), whichever
# comes first. Curves: the Aalen–Johansen cumulative incidence of each route (95% band),
# by acquisition channel, hook and five-value tier at the landmark. Table: cause-specific
# Cox hazard ratios of each grouping against its largest level, the other route censored.

# %%
risks = ct.competing_risks_at(
    contacts,
    events,
    orders,
    since=res.windows.train,
    end=res.windows.as_of,
    definition=definition,
    weights=value_weights,
    at_days=2 * horizon_days,
    vocabulary=tables.vocabulary,
    frame=res.frames["train"],  # the population at the landmark, as the model's window
)
save_table(ct.cif_at(risks.table, 2 * horizon_days), "cumulative_incidence")
save_table(risks.hazards, "cause_specific_hazards")
fig, axes = plt.subplots(2, 3, figsize=(16, 9), sharey="row")
for row, cause in enumerate(["hard", "silent"]):
    for col, by in enumerate(["channel", "hook", "value_tier"]):
        risks.plot(ax=axes[row, col], lang=lang, by=by, cause=cause)
plt.tight_layout()
plt.show()

# %%
display(
    cr.readable(
        tr_frame(
            risks.hazards,
            lang,
            value_columns=["by", "cause", "level"],
            headers={"n": "users"},
        ),
        lang,
        places=2,
    )
)
Markdown(risks.reading(lang))

# %% [markdown]
# ## The at-risk list, as of the end of the data
# Everyone still a customer on the list's date, scored by the chosen model refitted on the
# latest fully labelled window. Tiers by predicted risk head the list with the expected
# number of churners and the expected lost spend (risk × net spend in the look-back
# window). The list ranks users by risk × five-value index, so a likely leaver with high
# value comes first; the reasons are the features that raise each user's risk most
# compared with a typical user (a single-feature what-if), each with the suggested next
# step of the rule table (`churn_next_steps.yaml`, editable). Users who are already leaving
# are flagged. No ids are shown; the list carries keyed pseudonyms only.

# %%
at_risk = car.at_risk_as_of_result(
    res,
    contacts,
    orders,
    oracle=oracle,
    weights=value_weights,
    risk_cuts=tuple(risk_cuts),
    top_n=export_rows,
    next_steps=cl.load_next_steps(next_steps_file or None),
    lang=lang,
    n_threads=n_threads,
)
display(
    cr.readable(
        tr_frame(save_table(at_risk.summary, "at_risk_tiers"), lang, value_columns=["risk_tier"]),
        lang,
        money=["expected_lost_spend"],
        places=1,
        currency=currency,
    )
)
Markdown(at_risk.reading(lang, with_truth=False))  # the oracle's rates: in the appendix

# %%
shown = save_table(at_risk.head(top_n), "at_risk_head")
cr.readable(
    tr_frame(shown, lang, value_columns=["risk_tier", "channel", "hook", "value_tier"]),
    lang,
    money=["last_order_amount"],
    whole=["days_since_last_interaction"],
    places=1,
    currency=currency,
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
            tested.conclusion(lang),
            departures.conclusion(lang),
            decision.conclusion(lang),
            at_risk.conclusion(lang),
            say("churn.c.caveat", lang),
        ]
    )
)

# %%
from analysis.reports.summary import churn_bullets, show_answer

show_answer(
    answer,
    churn_bullets(
        tested.table,
        lift.table,
        decision.tiers,
        model=res.choice.chosen,
        users=tested.users,
        base_rate=tested.base_rate,
        horizon_days=horizon_days,
        contact_cost=contact_cost,
        saved_value=saved_value,
        save_rate=save_rate,
        currency=currency,
        lang=lang,
    ),
    lang,
)

# %% [markdown]
# ## Appendix: glossary and provenance
#
# For reviewers: the terms used above, and exactly which data, parameters and code produced
# this report.

# %%
from analysis.reports.summary import glossary

Markdown(glossary(lang))

# %%
from analysis.reports.population import cutoff_steps, population, show_population

for name, when, frame, caption in (
    ("population_test", res.windows.test, res.frames["test"], "common.population.for_test"),
    ("population_list", res.windows.as_of, res.frames["current"], "common.population.for_list"),
):
    show_population(
        population(
            cutoff_steps(
                contacts,
                events,
                orders,
                cutoff=when,
                lost_after_days=definition.lost_after_days,
                activity=definition.activity,
                vocabulary=tables.vocabulary,
                studied=frame.index,
            ),
            lang=lang,
            caption=say(caption, lang, date=when.date().isoformat()),
        ),
        name=name,
    )

# %% [markdown]
# ### Check against the simulator's truth (simulated data only)
# On simulated data each user's true hazard of leaving is known. An oracle that scores users
# by it shows how much better any model could do on the test window (the rest of the
# uncertainty cannot be removed); the at-risk tiers' predicted churn rates are set against
# the oracle's; and the two ways of leaving are checked against the simulator's own causes.

# %%
if tested.has_oracle:
    display(tr_frame(ch.metrics_wide(tested.table).rename(index=lambda k: tr(k, lang)), lang))
    display(cr.readable(tr_frame(save_table(tested.oracle_gap, "oracle_gap"), lang), lang))
    display(Markdown(tested.oracle_reading(lang)))
else:
    display(Markdown(say("common.population.no_truth", lang)))
if at_risk.truth is not None:
    display(
        cr.readable(
            tr_frame(save_table(at_risk.truth, "at_risk_truth"), lang, value_columns=["risk_tier"]),
            lang,
            percent=["predicted_rate", "oracle_rate", "realised_rate", "lo", "hi"],
        )
    )
    display(Markdown(at_risk.truth_reading(lang)))

# %%
if has_truth:
    cr_truth = checks.competing_risks_truth_result(
        risks.departures, truth_users, contacts, truth_params
    )
    display(
        cr.readable(
            tr_frame(
                save_table(cr_truth.table, "cause_specific_truth"), lang, headers={"n": "users"}
            ),
            lang,
            places=2,
        )
    )
    display(Markdown(cr_truth.reading(lang)))

# %% [markdown]
# ### Provenance
# Code version, parameters, a SHA-256 of every input file (the simulator's truth included
# when it is used) and package versions.

# %%
provenance(params, [*tables.files.values(), *truth_files])
