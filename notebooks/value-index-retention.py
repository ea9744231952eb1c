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
# # Does the five-value index predict retention?

# %% tags=["parameters"]
# requires: events, orders  (tables this report cannot run without; skipped when one is empty)
from analysis.aggregate.labels import LABEL_DEFAULTS  # the package's one set of defaults
from analysis.studies.validity.verdict import AUC_MARGIN

data_dir = "data/sample"  # folder with contacts / events / orders
truth_dir = "data/sample/truth"  # simulator truth (for the truth check); "" for real data
vocabulary = None  # vocabulary YAML, or None for the data folder's vocabulary.yaml / the default
calibration_cutoff = "2025-10-01"  # the normalisation of the five values is learned here ...
cutoff = "2026-01-01"  # ... and applied to the population at this later cut-off
# retained = active (interaction or paid order) in this window, no hard churn
horizon_days = LABEL_DEFAULTS["horizon_days"]
activity = LABEL_DEFAULTS["activity"]  # "any" or "purchase": what counts as staying
# the population rule: silent this long before the cut-off = already lost (left out)
lost_after_days = LABEL_DEFAULTS["lost_after_days"]
lookback_days = LABEL_DEFAULTS["lookback_days"]  # the five values read this many days back
half_life_days = None  # recency decay of the evidence (None = no decay)
normalization = "percentile"  # "percentile", "log_minmax" or "zscore"
weights = "expansion"  # "expansion", "equal", or a dict of the five values
rolling_cutoffs = ["2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01"]
n_boot = 1000  # bootstrap resamples for every interval
n_weights = 1000  # random weight vectors in the sensitivity analysis
cv_folds = 5  # folds for the out-of-sample learned weights
random_state = 0
fit_sample = 200_000  # most users a fold's logistic model is fitted on (random, random_state)
auc_margin = AUC_MARGIN  # the smallest AUC difference that matters (see the verdict)
sensitivity_lost_after = [30, 60, 90, None]  # population rules compared in section 8
sensitivity_boot = 200  # bootstrap resamples per setting of section 8
study_of_study = "benchmarks/results/verdict_worlds.csv"  # committed bench_verdict.py results
lang = "en"  # "en" or "zh": the language of labels, tables and readings
# where the per-user aggregations run: "auto" (DuckDB on a prepared store, else pandas),
# "pandas", "duckdb" (out of core) or "spark"
engine = "auto"

# %%
from analysis.reports.summary import answer_placeholder

answer = answer_placeholder(lang)  # filled with the computed answer in the last cell

# %% [markdown]
# The essay scores each member on five values — experience (体验), consumption (消费), social
# (社交), content (内容) and innovation (创新) — and weights them; for a brand in its expansion
# period it suggests experience 0.1, consumption 0.2, social 0.3, content 0.3, innovation 0.1.
# This report tests the kit's central question: **does that weighted index predict who is
# still with the brand 90 days later, and does it do better than the simplest things a
# sceptic would try — days since the last activity, how active a user was, how long they
# have been a contact, spend, an RFM score or equal weights?** Every number below is
# computed by tested package code (`analysis.studies.scores`, `analysis.studies.validity`,
# `analysis.studies.stats`); the
# conclusion at the end is filled in from the tables, so it reads "does not predict"
# whenever the data say so, and "inconclusive — more data needed" when they cannot tell.

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
from threadpoolctl import threadpool_limits

from analysis.data.vocab import VALUES
from analysis.i18n import say, tr_frame
from analysis.paths import resolve
from analysis.reports import headline, report_inputs, report_parameters, save_table
from analysis.reports.provenance import provenance
from analysis.simulate import checks
from analysis.studies import validity as va
from analysis.studies.scores import FiveValueScorer

# the models here have a few columns: one BLAS thread is faster than two that spin for work
threadpool_limits(limits=1)
inputs = report_inputs(
    data_dir, vocabulary=vocabulary, truth_dir=truth_dir, lang=lang, engine=engine
)
tables = inputs.tables
has_truth = inputs.has_truth
truth_users, truth_params, truth_files = inputs.truth_users, inputs.truth_params, inputs.truth_files
params = report_parameters(globals(), notebook="notebooks/value-index-retention.py")

# %% [markdown]
# ## The population, the label and the scores
#
# The population at the cut-off is every contact who joined before it and had not deleted
# the brand's contact, leaving out users silent for `lost_after_days` (they are already lost;
# predicting that they stay lost would flatter any activity-based score). **Retained** means
# at least one interaction or paid order in the `horizon_days` after the cut-off and no hard
# churn. The five values are read only from the `lookback_days` before the cut-off. The
# normalisation of each value (percentile rank by default) is learned on the earlier
# calibration snapshot and applied unchanged at the cut-off, so the scale owes nothing to
# the users it scores.

# %%
frame_kw = dict(
    horizon_days=horizon_days,
    lookback_days=lookback_days,
    half_life_days=half_life_days,
    activity=activity,
    lost_after_days=lost_after_days,
    vocabulary=tables.vocabulary,
    engine=engine,
)
calib = va.study_frame(
    tables.contacts, tables.events, tables.orders, cutoff=calibration_cutoff, **frame_kw
)
scorer = FiveValueScorer(normalization=normalization, weights=weights).fit(calib[list(VALUES)])
frame = va.study_frame(
    tables.contacts, tables.events, tables.orders, cutoff=cutoff, followup_days=0, **frame_kw
)
frame = va.add_scores(frame, scorer=scorer)
population = va.population_result(frame, scorer=scorer, horizon_days=horizon_days)
display(Markdown(population.reading(lang)))
tr_frame(scorer.summary, lang, value_columns=["value"])

# %% [markdown]
# ## 1. Retention by index decile
#
# If the index measures something that keeps users, retention should rise from the lowest to
# the highest decile. Users with the same index share a decile (many users have no evidence
# at all), so the lowest bins can be merged.

# %%
deciles = va.decile_result(frame, score="index", outcome="retained")
save_table(deciles.table, "retention_by_decile")
deciles.plot(lang=lang)
plt.show()
tr_frame(deciles.table.round(3), lang, headers={"n": "users"})

# %%
Markdown(deciles.reading(lang))

# %% [markdown]
# ## 2. Discrimination: the AUC of the index
#
# The AUC is the chance that a randomly chosen retained user has a higher index than a
# randomly chosen lost one (0.5 = coin toss). The interval resamples users
# (`n_boot` bootstrap resamples).

# %%
# one bootstrap (same users, same seeds) for the AUC, the baselines and incremental validity
boot = va.shared_bootstrap(
    frame, n_boot=n_boot, cv=cv_folds, random_state=random_state, fit_sample=fit_sample
)
auc = va.auc_result(
    frame,
    n_boot=n_boot,
    random_state=random_state,
    roc_scores=["index", "spend", "rfm_score"],
    shared=boot,
)
save_table(auc.table, "index_auc")
auc.plot(lang=lang)
plt.show()
tr_frame(auc.table.round(3), lang, headers={"n": "users"})

# %%
Markdown(auc.reading(lang))

# %% [markdown]
# ## 3. Against the baselines, on the same users
#
# Baselines a sceptic would pick first: days since the last activity (`recency`), the number
# of activities in the look-back (`activity`), days in the domain (`tenure`) and a
# logistic regression on those three (`behaviour`, scored out of fold); then spend alone
# (net amount in the look-back window), an RFM score (sum of recency, frequency and monetary
# quintiles), equal weights, each value alone, and weights *learned* by a logistic regression
# on the five values — scored out of sample (cross-validation), so they cannot win by
# fitting noise. `diff` is AUC(index) − AUC(baseline), with a paired bootstrap interval: every
# resample uses the same users for all scores. The verdict compares the index with the
# strongest of the simple baselines.

# %%
baselines = va.baseline_result(
    frame, n_boot=n_boot, cv=cv_folds, random_state=random_state, fit_sample=fit_sample, shared=boot
)
save_table(baselines.table, "baselines")
baselines.plot(lang=lang)
plt.show()
tr_frame(baselines.table.drop(columns=["n", "n_boot", "ci"]).round(3), lang)

# %%
Markdown(baselines.reading(lang))

# %% [markdown]
# For description only, the weights a logistic regression would choose on all users (per
# standard deviation of each value score), next to the preset:

# %%
tr_frame(va.learned_weights(frame).round(3), lang)

# %% [markdown]
# ## 4. Incremental validity: beyond what the brand already knows
#
# A brand already knows when a user last did anything, how often they do things, when they
# last bought, how often and for how much, how long they have been a contact and where they
# came from. Does the index add to that? Two logistic regressions, without and
# with the standardised index: a likelihood-ratio test, the odds ratio per standard deviation
# of the index, and the out-of-fold AUC of both models with a paired interval.

# %%
incremental = va.incremental_result(
    frame, n_boot=n_boot, cv=cv_folds, random_state=random_state, fit_sample=fit_sample, shared=boot
)
incremental.plot(lang=lang)
plt.show()
tr_frame(incremental.table, lang, headers={"n": "users"}).T

# %%
Markdown(incremental.reading(lang))

# %% [markdown]
# ## 5. Weight sensitivity
#
# How much do the weights matter? The AUC for `n_weights` weight vectors drawn uniformly over
# all possible weightings, with the presets marked, and the weights of the best 5 % of draws.

# %%
sensitivity = va.sensitivity_result(frame, n_weights=n_weights, random_state=random_state)
save_table(sensitivity.table, "weight_sensitivity")
fig, axes = plt.subplots(1, 2, figsize=(13, 4))
sensitivity.plot(ax=axes[0], lang=lang)
sensitivity.plot_region(ax=axes[1], lang=lang)
plt.show()
tr_frame(sensitivity.table.round(3), lang, value_columns=["draw"])

# %%
Markdown(sensitivity.reading(lang))

# %% [markdown]
# ## 6. Stability over time
#
# The same comparison at several cut-offs, with the normalisation learned once, at the first
# cut-off, and carried forward.

# %%
rolling = va.rolling_result(
    tables.contacts,
    tables.events,
    tables.orders,
    cutoffs=rolling_cutoffs,
    n_boot=n_boot,
    random_state=random_state,
    normalization=normalization,
    weights=weights,
    frames=[calib, frame],  # the snapshots above, not read again
    **frame_kw,
)
rolling.plot(lang=lang)
plt.show()
tr_frame(
    rolling.table.assign(cutoff=rolling.table["cutoff"].dt.strftime("%Y-%m-%d"))[
        ["cutoff", "score", "auc", "lo", "hi", "diff", "diff_lo", "diff_hi", "n", "base_rate"]
    ].round(3),
    lang,
    value_columns=["score"],
    headers={"n": "users"},
)

# %%
Markdown(rolling.reading(lang))

# %% [markdown]
# ## 7. Survival: time to hard churn by index quartile
#
# Hard churn (the user deleting the brand's contact) has an exact time, so it can be followed
# past the 90-day window, to the end of the data. Kaplan–Meier curves by index quartile, and
# a Cox proportional-hazards ratio per standard deviation of the index (alone, and adjusted
# for RFM, tenure and channel). Users who simply go quiet are not events here.

# %%
survival = va.survival_result(frame, score="index")
survival.plot(lang=lang)
plt.show()
tr_frame(
    survival.table.round(3), lang, headers={"n": "users", "p": "p_value", "events": "n_hard_churn"}
)

# %%
Markdown(survival.reading(lang))

# %% [markdown]
# ## 8. Does the answer depend on who counts and on what counts as staying?
#
# The same study (AUC, the strongest simple baseline, incremental validity) for each
# population rule — users silent for 30, 60 or 90 days before the cut-off count as already
# lost, or no one does (`lost_after_days` empty) — and for each outcome: any activity, or a
# purchase. Two more rows use the package's defaults: one reads the five values as *rates*
# per 30 days in the domain within the look-back instead of raw counts (raw counts partly
# measure how long a user has been a contact), and one ignores refunds. **Refund timing:**
# the orders carry no refund time, so a refund recorded now counts as known at the cut-off
# although it may have come later; the last row shows how much the answer leans on that.

# %%
label_sens = va.label_sensitivity(
    tables.contacts,
    tables.events,
    tables.orders,
    calibration_cutoff=calibration_cutoff,
    cutoff=cutoff,
    lost_after=tuple(sensitivity_lost_after),
    activities=("any", "purchase"),
    n_boot=sensitivity_boot,
    random_state=random_state,
    fit_sample=fit_sample,
    horizon_days=horizon_days,
    lookback_days=lookback_days,
    weights=weights,
    normalization=normalization,
    margin=auc_margin,
    vocabulary=tables.vocabulary,
)
save_table(label_sens, "label_sensitivity")
tr_frame(
    label_sens.round(3),
    lang,
    headers={
        "n": "users",
        "lost_after_days": "silent_days_lost",
        "activity": "retention_rule",
        "predicts": "predicts_verdict",
        "adds": "adds_verdict",
    },
)

# %% [markdown]
# ## Verdict
#
# Each claim is decided three ways against a smallest AUC difference that matters
# (`auc_margin`): "predicts" / "better" / "adds" only when the whole interval clears the
# margin; "does not predict" / "no different" / "adds nothing" when it lies inside it; and
# "inconclusive — more data needed", with the number of users that would decide it,
# otherwise.

# %%
verdict_decisions = va.verdict_table(
    auc.table, baselines.table, incremental.table, margin=auc_margin
)
save_table(verdict_decisions, "verdict")
save_table(incremental.table, "incremental_validity")
save_table(rolling.table, "rolling_origin")
save_table(survival.table, "hazard_ratio")
Markdown(
    va.verdict(
        auc.table,
        baselines.table,
        incremental.table,
        horizon_days=horizon_days,
        margin=auc_margin,
        lang=lang,
        label=va.index_label(weights, lang=lang),
    )
)

# %%
from analysis.i18n import SENTENCE_SEP
from analysis.reports.summary import show_answer, value_index_bullets

bullets = value_index_bullets(
    verdict_decisions,
    baselines.table,
    horizon_days=horizon_days,
    label=va.index_label(weights, lang=lang),
    lang=lang,
)
headline(SENTENCE_SEP[lang].join(bullets[:2]))  # the index page's one-line finding
show_answer(answer, bullets, lang)

# %% [markdown]
# ## Appendix: glossary, checks and provenance
#
# For reviewers: the terms used above, how the study fares on simulated brands whose truth
# is known, and exactly which data, parameters and code produced this report.

# %%
from analysis.reports.summary import glossary

Markdown(glossary(lang))

# %%
from analysis.reports.population import cutoff_steps, population, show_population

show_population(
    population(
        cutoff_steps(
            tables.contacts,
            tables.events,
            tables.orders,
            cutoff=cutoff,
            lost_after_days=lost_after_days,
            activity=activity,
            vocabulary=tables.vocabulary,
            studied=frame["user_id"],
        ),
        lang=lang,
    )
)

# %% [markdown]
# ### Check against the simulator's truth (simulated data only)
#
# On simulated data every user's true hazard of leaving, how a departure ends (hard or
# silent) and how active a user is while still a contact are known, so each user's true
# probability of the headline outcome — *retained* — is known. The AUC the index should reach
# if the study is right is its expected AUC under those probabilities; the observed AUC's
# interval (the one in the headline) should contain it. The oracle (the true probability
# itself) shows the ceiling any score could reach.

# %%
if has_truth:
    q = checks.true_retention_probability(
        frame, truth_users, truth_params, horizon_days=horizon_days
    )
    truth = va.truth_result(frame, q, outcome="retained", n_boot=n_boot, random_state=random_state)
    display(
        tr_frame(
            truth.table[["outcome", "auc", "lo", "hi", "true_auc", "oracle_auc", "inside"]].round(
                3
            ),
            lang,
            value_columns=["outcome"],
        )
    )
    display(Markdown(truth.reading(lang)))
else:
    display(Markdown(say("validity.no_truth", lang)))

# %% [markdown]
# ### How often this study is wrong
#
# A study that always says "predicts" would be right whenever the index works and useless
# otherwise. `benchmarks/bench_verdict.py` runs this whole study, unchanged, on simulated
# brands whose truth is known: an *effects* world (the five values drive staying, with the
# preset's signs), a world where their effect is *smaller than the margin*, a
# *wrong-weights* world (the values the preset weighs least drive staying, and social and
# content, which it weighs most, drive leaving), and three worlds where the values do
# nothing: a plain *null* world, one where half the departures are *silent*, and one where
# *tenure and channel* drive leaving. The table gives, per world, the share of runs with each
# verdict, how often the 95% interval held the true AUC (`coverage`) and how often the
# verdict was wrong there (`wrong`). It is read from the committed results, with their commit
# and seeds; rerun the benchmark after changing the study.

# %%
study_check = va.study_of_study_result(resolve(study_of_study))
tr_frame(study_check.table[va.STUDY_OF_STUDY_COLUMNS].round(3), lang, value_columns=["world"])

# %%
Markdown(study_check.reading(lang))

# %% [markdown]
# ### Provenance

# %%
provenance(params, [*tables.files.values(), *truth_files])
