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
# # Customer lifetime value: who will buy again, and what are they worth?

# %% tags=["parameters"]
# requires: orders  (tables this report cannot run without; skipped when one is empty)
data_dir = "data/sample"  # folder with contacts / events / orders
truth_dir = "data/sample/truth"  # simulator truth for the recovery check; "" for real data
calibration_end = "2025-12-31"  # last day of the calibration period
observation_end = "2026-06-30"  # last day of observation (end of the holdout)
freq = "D"  # purchases on the same day are merged into one
freq_multiplier = 7  # model time unit = 7 days (weeks measured in days)
horizon = 26  # CLV / forecast horizon in model time units (26 weeks)
discount_rate = 0.10  # annual discount rate for CLV
currency = "CNY"  # the currency of the orders' amounts
max_frequency = 7  # frequencies at or above this are pooled in the holdout check
n_boot = 500  # bootstrap resamples for segment intervals
n_draws = 200  # parameter draws for per-customer intervals
seed = 0
fit_sample = 200_000  # most customers the covariate models are fitted on (random, seed `seed`)
cdnow_calibration_end = "1997-09-30"
cdnow_observation_end = "1998-06-30"
lang = "en"  # "en" or "zh": the language of labels, tables and readings
# where the tables are read: "auto" (DuckDB on a prepared store: only contacts and orders
# come into memory, never the events), "pandas" or "duckdb"
engine = "auto"

# %%
from analysis.reports.summary import answer_placeholder

answer = answer_placeholder(lang)  # filled with the computed answer in the last cell

# %% [markdown]
# Buy-till-you-die models (BG/NBD, Pareto/NBD, modified BG/NBD) describe each buyer by
# three numbers — how many repeat purchases (frequency), when the last one was (recency) and
# how long we have known them (T) — and estimate how much they will buy next and whether they
# are still "alive". A Gamma-Gamma model adds how much they spend per purchase. Together they
# give a customer lifetime value (CLV) over a horizon.
#
# The report: (1) builds the customer summary from the orders, (2) fits the models on a
# calibration period and checks them on the holdout period that follows, (3) shows P(alive)
# and expected purchases by frequency and recency, (4) compares CLV by acquisition channel and
# hook — including the essay's claim that crude offline giveaway events bring low-value
# coupon hunters — (5) checks that the models recover the simulator's true parameters, and
# (6) reproduces the published CDNOW results, so the machinery itself is shown to be right.

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
from threadpoolctl import threadpool_limits

from analysis.aggregate.transactions import (
    calibration_holdout_summary,
    calibration_part,
    summarize_transactions,
)
from analysis.i18n import say, tr, tr_frame
from analysis.plots import ltv as plots_ltv
from analysis.reports import (
    headline,
    in_memory,
    report_inputs,
    report_parameters,
    save_table,
)
from analysis.reports.provenance import provenance
from analysis.simulate import cdnow as cdnow_ref
from analysis.simulate import checks
from analysis.studies import clv, ltv, ltv_checks, ltv_results

# the likelihoods sum long vectors (one BLAS call each, hundreds of times a fit) and the
# models have a few parameters: one BLAS thread is faster than two that spin for work
threadpool_limits(limits=1)
inputs = report_inputs(data_dir, truth_dir=truth_dir, lang=lang, engine=engine)
tables = inputs.tables
contacts, orders = in_memory(tables.contacts), in_memory(tables.orders)

# %% [markdown]
# ## 1. From orders to a customer summary
# A purchase is an order with a positive net amount (amount minus refunds). Purchases by one
# customer on the same day count once; `frequency` counts *repeat* purchase days, and time is
# measured in units of `freq_multiplier` days.

# %%
customers = ltv_results.customer_summary(
    orders,
    contacts=contacts,
    calibration_end=calibration_end,
    observation_end=observation_end,
    freq=freq,
    freq_multiplier=freq_multiplier,
)
summary, calibration, unit = customers.table, customers.calibration, customers.unit
display(tr_frame(summary.describe().T.round(2).rename(index=lambda k: tr(k, lang)), lang))
Markdown(customers.reading(lang))

# %% [markdown]
# ## 2. Fitting the purchase models on the calibration period
# All three models are fitted on the calibration summary (compressed to distinct patterns,
# weighted by their counts). Higher log-likelihood = better fit to the calibration data; the
# holdout below is the fairer test.

# %%
models = {name: ltv.PurchaseModel(name).fit(calibration) for name in ltv.PURCHASE_MODELS}
fits = ltv_results.model_fits(models)
named = dict(index=lambda k: tr(k, lang))  # model and parameter names as words
display(tr_frame(save_table(fits.table, "model_fits").round(4).rename(**named), lang))
display(tr_frame(models["bgnbd"].summary.round(4).rename(**named), lang))
Markdown(fits.reading(lang))

# %% [markdown]
# ### Spend: Gamma-Gamma, and its independence assumption
# Gamma-Gamma assumes that how much a customer spends per purchase does not depend on how
# often they buy. Two correlations check it: Pearson's (linear) and Spearman's (ranks, not
# swayed by a few very large spenders); a warning opens the reading when either rejects.

# %%
spend = ltv.SpendModel().fit(calibration)
display(tr_frame(save_table(spend.summary, "spend_model").round(3).rename(**named), lang))
independence = ltv_results.spend_independence(spend)
display(tr_frame(independence.table.round(4), lang, headers={"n": "repeat_buyers"}))
Markdown(independence.reading(lang))

# %% [markdown]
# ## 3. Holdout check: do calibration-period fits predict the next period?

# %%
holdout = ltv_results.holdout_check(customers.cal_holdout, models=models)
display(tr_frame(save_table(holdout.table, "holdout_metrics").round(3).rename(**named), lang))
Markdown(holdout.reading(lang))

# %% [markdown]
# ### Revenue in the holdout
# Purchases are half of value; the other half is what each purchase is worth. Both models
# fitted on the calibration period (BG/NBD and Gamma-Gamma) predict each customer's holdout
# spend, and the customers are cut into ten equal groups by that prediction. Read each pair
# of bars (mean per customer, actual against predicted): a model that ranks customers well
# shows rising bars, and one that is calibrated shows equal bars in every group, not only in
# total.

# %%
revenue = ltv_checks.revenue_holdout(
    customers.cal_holdout, purchases=models["bgnbd"], spend=spend, unit=unit, currency=currency
)
display(
    tr_frame(
        save_table(revenue.table, "holdout_revenue").round(2),
        lang,
        headers={"group": "predicted_value_decile"},
    )
)
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
revenue.plot(ax=axes[0], metric="spend", lang=lang)
revenue.plot(ax=axes[1], metric="purchases", lang=lang)
plt.tight_layout()
plt.show()
Markdown(revenue.reading(lang))

# %% [markdown]
# Read the bars pairwise: for customers with each number of repeat purchases in calibration,
# the mean number of purchases they actually made in the holdout against the model's forecast.
# A good model tracks the actual bars at every frequency, not only on average.

# %%
by_freq = clv.calibration_by_frequency(
    customers.cal_holdout, model=models["bgnbd"], max_frequency=max_frequency
)
fig, ax = plt.subplots(figsize=(8, 4))
plots_ltv.plot_calibration_by_frequency(
    by_freq, ax=ax, title="BG/NBD: holdout purchases by calibration frequency (sample)", lang=lang
)
plt.show()
display(tr_frame(save_table(by_freq, "calibration_by_frequency").round(3), lang))

# %% [markdown]
# Read the curves for the gap after the dotted line: up to it the model was fitted, after it
# it forecasts. The dashed line is the model's expected cumulative repeat purchases of the
# calibration cohort.

# %%
curve = ltv_results.CumulativeCheck(
    clv.cumulative_transactions(
        customers.purchases,
        model=models["bgnbd"],
        customer_col="user_id",
        time_col="ordered_at",
        calibration_end=calibration_end,
        observation_end=observation_end,
        freq=freq,
        freq_multiplier=freq_multiplier,
    ),
    unit=unit,
)
fig, ax = plt.subplots(figsize=(8, 4))
curve.plot(ax=ax, title="Cumulative repeat purchases: actual vs BG/NBD (sample)", lang=lang)
plt.show()
Markdown(curve.reading(lang))

# %% [markdown]
# ## 4. P(alive) and expected purchases by frequency and recency
# From here on the models are refitted on all data up to the observation end. Each map is for
# a customer known for the longest time `T` (their first purchase at the start of the data).
# Read along a column: for the same number of repeat purchases, a last purchase long ago
# (bottom) means the customer has probably gone; the top-right corner (frequent and recent)
# holds the customers expected to buy most.

# %%
full_model = ltv.PurchaseModel("bgnbd").fit(summary)
full_spend = ltv.SpendModel().fit(summary)
maps = ltv_results.recency_frequency_maps(full_model, summary=summary, horizon=horizon, unit=unit)
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
maps.plot(ax=axes[0], which="alive", lang=lang)
maps.plot(ax=axes[1], which="expected", lang=lang)
plt.tight_layout()
plt.show()
Markdown(maps.reading(lang))

# %%
Markdown(ltv_checks.alive_explained(maps).reading(lang))

# %% [markdown]
# ## 5. CLV by acquisition channel and hook
# CLV over the next `horizon` units, discounted at `discount_rate` a year. Contacts who have
# not bought yet have no purchase history for the model; they count as 0 here, so per-contact
# values are a lower bound. Intervals are bootstrap 95% intervals over contacts.

# %%
values = clv.customer_value(
    summary,
    purchases=full_model,
    spend=full_spend,
    horizon=horizon,
    discount_rate=discount_rate,
    freq=freq,
    freq_multiplier=freq_multiplier,  # time units a year follow from these (52.18 weeks)
)
per_contact = clv.per_contact_values(contacts, values)  # the kit's giveaway definition
segment = dict(horizon=horizon, unit=unit, n_boot=n_boot, random_state=seed)
by_channel = ltv_results.segment_value(per_contact, by="channel", **segment)
by_hook = ltv_results.segment_value(per_contact, by="hook", **segment)
display(tr_frame(save_table(by_channel.table, "clv_by_channel").round(2), lang))
display(tr_frame(save_table(by_hook.table, "clv_by_hook").round(2), lang))

# %% [markdown]
# How much of the value sits with a few customers? Rank the buyers by CLV; the curve shows the
# share of the total held by the top share of them (the diagonal would mean everyone is worth
# the same).

# %%
concentration = ltv_checks.concentration(values, horizon=horizon, unit=unit, currency=currency)
save_table(concentration.table, "clv_concentration")
fig, ax = plt.subplots(figsize=(6, 4))
concentration.plot(ax=ax, lang=lang)
plt.show()
Markdown(concentration.reading(lang))

# %% [markdown]
# Read the dots with their bars: mean CLV per contact by channel and by hook; bars that do not
# overlap are differences the data can tell apart.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharex=True)
by_channel.plot(ax=axes[0], currency=currency, lang=lang)
by_hook.plot(ax=axes[1], currency=currency, lang=lang)
plt.tight_layout()
plt.show()
Markdown(by_channel.reading(lang))

# %% [markdown]
# Many channels and hooks compared at once will show some "differences" by chance alone. Each
# channel and each hook is tested against all other contacts (Welch's t-test on mean CLV), and
# the p-values are adjusted with Holm's method across all of these comparisons together.

# %%
comparisons = ltv_checks.segment_tests(per_contact)
display(tr_frame(save_table(comparisons.table, "clv_segment_tests").round(4), lang))
Markdown(comparisons.reading(lang))

# %% [markdown]
# ### How sure is each customer's value?
# The intervals above come from resampling contacts. The model's own parameters are
# estimates too: drawing them from their sampling distribution (the inverse of the observed
# information) and recomputing every buyer's P(alive), expected purchases and CLV under each
# draw gives an interval per customer and per channel. The per-customer table, with
# pseudonymous ids only, is saved for use in a CRM.

# %%
intervals = ltv_checks.customer_intervals(
    summary,
    contacts=contacts,
    spend=full_spend,
    horizon=horizon,
    discount_rate=discount_rate,
    freq=freq,
    freq_multiplier=freq_multiplier,
    unit=unit,
    currency=currency,
    n_draws=n_draws,
    random_state=seed,
)
save_table(intervals.table, "customer_values")
display(tr_frame(save_table(intervals.segments, "clv_by_channel_parameter_ci").round(2), lang))
Markdown(intervals.reading(lang))

# %% [markdown]
# ### Does the channel change how often customers buy, and how soon they leave?
# CLV by channel mixes two things: how often a channel's customers buy and how long they stay.
# A Pareto/NBD model with the channel as a covariate separates them (Fader & Hardie's
# time-invariant covariates, as in CLVTools): each channel multiplies the purchase rate and
# the dropout rate of the reference channel; Gamma-Gamma with the same covariate adds the
# multiplier of the spend per purchase. Read each dot as "this many times the reference";
# a bar that crosses 1 is a difference the data cannot tell from none. The likelihood-ratio
# test says whether the channel matters at all.

# %%
effects = ltv_checks.covariate_effects(
    summary, contacts=contacts, covariate="channel", fit_sample=fit_sample, random_state=seed
)
display(tr_frame(save_table(effects.table, "covariate_effects").round(4), lang))
display(tr_frame(save_table(effects.test, "covariate_lr_test").round(4), lang))
fig, ax = plt.subplots(figsize=(8, 4))
effects.plot(ax=ax, lang=lang)
plt.show()
Markdown(effects.reading(lang))

# %% [markdown]
# ### Does the essay's claim about giveaway events show?
# Giveaway users are the kit's one definition (`analysis.aggregate.rules.giveaway_flag`, the
# same in the segments-and-flow report): contacts from offline events whose hook was merch or
# a coupon.

# %%
giveaway = ltv_results.giveaway_value(per_contact, **segment)
display(tr_frame(save_table(giveaway.table, "clv_giveaway").round(2), lang))
display(headline(giveaway.headline(lang, holdout=holdout, currency=currency)))
Markdown(giveaway.reading(lang))

# %%
from analysis.reports.summary import ltv_bullets, show_answer

show_answer(
    answer,
    ltv_bullets(
        by_channel.table,
        giveaway.table,
        concentration.table,
        holdout_error_pct=holdout.error_pct,
        horizon=horizon,
        unit=unit,
        currency=currency,
        lang=lang,
    ),
    lang,
)

# %% [markdown]
# ## Appendix: glossary, checks and provenance
#
# For reviewers: the terms used above, the checks of the method, and exactly which data,
# parameters and code produced this report.

# %%
from analysis.reports.summary import glossary

Markdown(glossary(lang))

# %%
from analysis.reports import population as pp

pp.show_population(
    pp.population(
        [
            pp.step("contacts", contacts["user_id"]),
            pp.step("buyers", summary.index),
            pp.step("buyers_before", calibration.index, date=str(calibration_end)),
        ],
        lang=lang,
    )
)

# %% [markdown]
# ### 6. Does the model recover the simulator's true parameters?
# The sample data come from a simulator whose purchase process is Pareto/NBD-like (Poisson
# purchases with a gamma-distributed rate while alive) and whose spend is Gamma-Gamma. We fit
# Pareto/NBD and Gamma-Gamma on all data and compare with the truth (rates converted to the
# model's time unit). The simulator adds things the models do not know (coupon hunters with
# a lower rate and an extra coupon purchase, covariate-driven churn, refunds), and the model
# only sees contacts who bought at least once — a selection towards faster buyers — so exact
# recovery is not expected; the table says how far off each parameter is. Pareto/NBD's
# standard errors are not available from lifetimes (no Hessian), hence no intervals.

# %%
if inputs.has_truth:
    recovery = ltv_results.ParameterRecovery(
        checks.compare_with_truth(
            inputs.truth_params,
            purchases=ltv.PurchaseModel("pareto_nbd").fit(summary),
            spend=full_spend,
            unit_days=freq_multiplier,
        ),
        unit_one=customers.unit_one,
    )
    display(tr_frame(recovery.table.round(3), lang, value_columns=["model", "parameter"]))
    recovery_text = recovery.reading(lang)
else:
    recovery_text = say("ltv.no_truth", lang, path=truth_dir)
Markdown(recovery_text)

# %% [markdown]
# ### 7. Reference: the published CDNOW results
# From the raw CDNOW sample transactions shipped with lifetimes (2,357 customers), through the
# kit's own summary (weeks measured in days, calibration ending 1997-09-30, same-day purchases
# merged, repeat purchases only), the fitted parameters against the published ones: BG/NBD
# and Pareto/NBD from Fader, Hardie & Lee (2005), Gamma-Gamma from Fader & Hardie (2013).

# %%
cdnow = cdnow_ref.load_cdnow_sample()
cdnow_summary = summarize_transactions(
    cdnow,
    customer_col="customer_id",
    time_col="date",
    amount_col="dollars",
    observation_end=cdnow_calibration_end,
    freq="D",
    freq_multiplier=7,
)
reference = ltv_results.PublishedReproduction(
    cdnow_ref.reproduce_cdnow(cdnow_summary), summary=cdnow_summary
)
display(
    tr_frame(
        save_table(reference.table, "cdnow_reproduction"),
        lang,
        value_columns=["model", "parameter"],
    )
)
Markdown(reference.reading(lang))

# %% [markdown]
# The same data give the Pareto/NBD parameters' standard errors (from the observed
# information of the kit's own likelihood), against those CLVTools publishes.

# %%
pareto_se = cdnow_ref.reproduce_pareto_std_errors(cdnow_summary)
display(
    tr_frame(
        save_table(pareto_se, "cdnow_pareto_std_errors"),
        lang,
        value_columns=["parameter"],
    )
)

# %% [markdown]
# The same holdout check on CDNOW (weeks 40–78) that Fader, Hardie & Lee show: read the bars
# as in section 3.

# %%
cdnow_holdout = calibration_holdout_summary(
    cdnow,
    customer_col="customer_id",
    time_col="date",
    calibration_end=cdnow_calibration_end,
    observation_end=cdnow_observation_end,
    freq="D",
    freq_multiplier=7,
)
cdnow_model = ltv.PurchaseModel("bgnbd").fit(calibration_part(cdnow_holdout))
fig, ax = plt.subplots(figsize=(8, 4))
plots_ltv.plot_calibration_by_frequency(
    clv.calibration_by_frequency(cdnow_holdout, model=cdnow_model),
    ax=ax,
    title="CDNOW: BG/NBD holdout purchases by calibration frequency",
    lang=lang,
)
plt.show()
Markdown(ltv_results.cdnow_holdout_check(cdnow_holdout, model=cdnow_model).reading(lang))

# %% [markdown]
# ### Provenance

# %%
provenance(
    report_parameters(globals(), notebook="notebooks/ltv.py"),
    [*tables.files.values(), *inputs.truth_files],
)
