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
from analysis.i18n import LIST_SEP, say, tr, tr_frame
from analysis.plots.churn import plot_calibration, plot_gain, plot_importance, plot_lift
from analysis.reports import headline, report_inputs, save_table
from analysis.reports.provenance import provenance
from analysis.simulate import checks
from analysis.studies import churn as ch
from analysis.studies import churn_list

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
params = {
    "data_dir": data_dir,
    "truth_dir": truth_dir,
    "vocabulary": vocabulary,
    "train_cutoff": train_cutoff,
    "test_cutoff": test_cutoff,
    "horizon_days": horizon_days,
    "activity": activity,
    "lost_after_days": lost_after_days,
    "lookback_days": lookback_days,
    "short_days": short_days,
    "long_days": long_days,
    "value_weights": value_weights,
    "n_boot": n_boot,
    "random_state": random_state,
    "n_threads": n_threads,
    "importance_max_samples": importance_max_samples,
    "top_n": top_n,
    "export_rows": export_rows,
    "export_csv": export_csv,
    "lang": lang,
}
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
balance = save_table(ev.class_balance(), "class_balance")
tr_frame(balance, lang)

# %%
trn, te = balance.set_index("set").loc["train"], balance.set_index("set").loc["test"]
Markdown(
    say(
        "churn.balance",
        lang,
        train_cutoff=trn["cutoff"],
        train_users=trn["users"],
        train_rate=trn["churn_rate"],
        horizon=horizon_days,
        hard=trn["hard_churn"],
        test_cutoff=te["cutoff"],
        test_rate=te["churn_rate"],
        lo=te["lo"],
        hi=te["hi"],
        test_users=te["users"],
    )
)

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
met = ev.metrics.set_index(["score", "metric"])["estimate"]
models = [k for k in ev.models]
best = str(met.xs("roc_auc", level="metric").loc[models].idxmax())
base = te["churn_rate"]
best_name = tr(ch.MODEL_NAMES[best], lang)
text = say(
    "churn.best",
    lang,
    model=best_name,
    auc=met[(best, "roc_auc")],
    gain=met[(best, "gain@10%")],
    lift=met[(best, "lift@10%")],
    base=base,
)
if has_truth:
    gap = save_table(ch.oracle_gap(ev.metrics), "oracle_gap")
    display(tr_frame(gap, lang))
    g = gap.set_index(["score", "metric"])
    text += (" " if lang == "en" else "") + say(
        "churn.oracle",
        lang,
        oracle_auc=met[("oracle", "roc_auc")],
        oracle_brier=met[("oracle", "brier")],
        gap=-g.loc[(best, "roc_auc"), "gap"],
        gap_lo=-g.loc[(best, "roc_auc"), "gap_hi"],
        gap_hi=-g.loc[(best, "roc_auc"), "gap_lo"],
        brier_gap=g.loc[(best, "brier"), "gap"],
    )
display(Markdown(text))
b = ev.metrics.set_index(["score", "metric"])
headline(
    say(
        "churn.headline",
        lang,
        horizon=horizon_days,
        rate=te["churn_rate"],
        auc=b.loc[(best, "roc_auc"), "estimate"],
        lo=b.loc[(best, "roc_auc"), "lo"],
        hi=b.loc[(best, "roc_auc"), "hi"],
        model=best_name,
        gain=b.loc[(best, "gain@10%"), "estimate"],
        oracle=say("churn.headline_oracle", lang, auc=b.loc[("oracle", "roc_auc"), "estimate"])
        if has_truth
        else "",
    )
)

# %% [markdown]
# ## Calibration: can the probabilities be taken at face value?
# Users are grouped into ten equal-size bins by predicted probability; each point is a
# bin's mean prediction (x) against the share of it that actually churned (y). Points on
# the diagonal mean "30% risk" really is 30%.

# %%
scores = {k: ev.predictions[k] for k in ev.predictions.columns if k != "churned"}
y_test = ev.predictions["churned"]
cal = save_table(ch.calibration_table(y_test, scores, n_bins=10), "calibration")
fig, ax = plt.subplots(figsize=(6.5, 5.5))
plot_calibration(
    cal, ax=ax, title=say("churn.plot.calibration_title", lang, cutoff=te["cutoff"]), lang=lang
)
plt.show()

# %%
cal["abs_error"] = (cal["observed"] - cal["mean_predicted"]).abs()
worst = cal.loc[cal["score"].isin(models)].sort_values("abs_error").iloc[-1]
Markdown(
    say(
        "churn.calibration",
        lang,
        err=100 * worst["abs_error"],
        score=tr(worst["score"], lang),
        bin=int(worst["bin"]),
        pred=worst["mean_predicted"],
        obs=worst["observed"],
        lo=worst["lo"],
        hi=worst["hi"],
        briers=LIST_SEP[lang].join(f"{tr(k, lang)} {met[(k, 'brier')]:.3f}" for k in scores),
    )
)

# %% [markdown]
# ## Gain and lift: how many churners a limited outreach reaches
# Left: the share of all churners found when contacting the riskiest share of users
# (the diagonal is random order). Right: how many times the base rate the contacted
# group's churn rate is.

# %%
lift = save_table(ch.lift_table(y_test, scores), "lift")
fig, axes = plt.subplots(1, 2, figsize=(12, 5))
plot_gain(lift, ax=axes[0], title=say("churn.plot.gain_title", lang), lang=lang)
plot_lift(lift, ax=axes[1], title=say("churn.plot.lift_title", lang), lang=lang)
plt.show()

# %%
lt = lift.set_index(["score", "fraction"])["gain"]
share = lift["fraction"].iloc[19]  # the 20% point of the grid
Markdown(
    say(
        "churn.gain",
        lang,
        share=share,
        model=best_name,
        gain=lt[(best, share)],
        oracle=say("churn.gain_oracle", lang, gain=lt[("oracle", share)])
        if has_truth
        else say("churn.gain_end", lang),
    )
)

# %% [markdown]
# ## What drives the warning
# Permutation importance on the test population: how much ROC AUC drops when one feature
# is shuffled (the five `ev_*` evidence columns reach the model through the five-value
# scores and index). Bars are means over repeats with a 95% interval of that mean.

# %%
imp = save_table(
    ch.permutation_importance_table(
        ev.models[best],
        ev.test,
        n_repeats=5,
        max_samples=min(importance_max_samples, len(ev.test)),
        random_state=random_state,
        n_threads=n_threads,
    ),
    "importance",
)
fig, ax = plt.subplots(figsize=(7, 6))
plot_importance(
    imp, ax=ax, title=say("churn.plot.importance_title", lang, model=best_name), lang=lang
)
plt.show()

# %%
top3 = imp.head(3)
Markdown(
    say(
        "churn.importance",
        lang,
        items=LIST_SEP[lang].join(
            say("churn.importance_item", lang, feature=r.feature, drop=r.importance)
            for r in top3.itertuples()
        ),
        n_zero=int((imp["hi"] < 0.001).sum()),
        n=len(imp),
    )
)

# %% [markdown]
# ## The at-risk list
# Users ranked by churn risk × five-value index (normalised on the training snapshot,
# weights below), so a likely leaver with high value comes first. The reasons are the
# features that raise each user's risk most compared with a typical user (a single-feature
# what-if: the risk with that feature set to the population median, or most common value).
# No ids are shown; the exported file carries keyed pseudonyms only.

# %%
value = churn_list.value_index(ev.train, ev.test, weights=value_weights)
at_risk = churn_list.at_risk_list(
    ev.models[best],
    ev.test,
    value=value,
    top_n=export_rows,
    value_name="value_index",
    n_threads=n_threads,
)
shown = save_table(at_risk.reset_index(drop=True).head(top_n), "at_risk_head")
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
        value_columns=["stage"],
    )
)

# %%
if export_csv:
    churn_list.export_at_risk(at_risk, export_csv)
    msg = say(
        "churn.export", lang, n=len(at_risk), path=export_csv, env=churn_list.PSEUDONYM_KEY_ENV
    )
else:
    msg = say("churn.no_export", lang)
Markdown(msg)

# %% [markdown]
# ## Conclusions

# %%
rest_rate = float(ev.test.loc[~ev.test.index.isin(at_risk.index), "churned"].mean())
list_rate = float(ev.test.loc[at_risk.index, "churned"].mean())
reasons = at_risk["reason_1"].str.extract(r"^([a-z_]+)=")[0].value_counts()
lines = [
    say("churn.c.definition", lang, text=definition.describe(lang)),
    say("churn.c.common", lang, rate=te["churn_rate"], users=te["users"]),
    say(
        "churn.c.predicted",
        lang,
        model=best_name,
        auc=met[(best, "roc_auc")],
        pr=met[(best, "pr_auc")],
        base=base,
        brier=met[(best, "brier")],
        others=LIST_SEP[lang].join(
            f"{tr(k, lang)} {met[(k, 'roc_auc')]:.3f}" for k in models if k != best
        ),
    ),
]
if has_truth:
    lines.append(
        say(
            "churn.c.oracle",
            lang,
            gap=-g.loc[(best, "roc_auc"), "gap"],
            oracle=met[("oracle", "roc_auc")],
        )
    )
lines += [
    say(
        "churn.c.list",
        lang,
        n=len(at_risk),
        list_rate=list_rate,
        rest_rate=rest_rate,
        reason=reasons.index[0],
        k=reasons.iloc[0],
    ),
    say("churn.c.caveat", lang),
]
Markdown("\n".join(lines))
