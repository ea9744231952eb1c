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
# # Segments and the user flow

# %% tags=["parameters"]
data_dir = "data/sample"  # folder with contacts / events / orders
truth_dir = "data/sample/truth"  # simulator truth for the checks; "" for real data
vocabulary = None  # vocabulary YAML, or None for the default
snapshot_start = "2025-02-01"  # first flow snapshot
snapshot_end = "2026-07-01"  # last flow snapshot
snapshot_freq = "MS"  # snapshot spacing (pandas frequency; "MS" = month starts)
lookback_days = 90  # a stage needs evidence within this many days before the snapshot
silent_days = 30  # no activity this long = silent (沉默)
lost_days = 180  # no activity this long = lost (流失)
repeat_min_orders = 2  # paid orders so far that make a buyer a repeat buyer (复购)
as_of = "2026-04-01"  # cut-off for segments, tiers and personas
horizon_days = 90  # retention window after as_of for segment profiles
value_lookback_days = 180  # look-back of the five-value evidence
value_weights = "expansion"  # five-value index weights: "expansion" or "equal"
rfm_bins = 5  # quantile bins of the RFM scores
tier_cuts = {"core_vip": 0.99, "high": 0.90, "growing": 0.60}  # index quantiles of the tiers
persona_k = None  # number of personas, or None to choose by persona_criterion
persona_criterion = "silhouette"  # "silhouette" or "bic"
persona_merge_sd = 1.0  # personas whose centroids are closer than this many SD are merged
random_state = 0
fit_sample = 200_000  # most users the personas' k-means is fitted on (random); all are assigned
cohort_start = "2025-02-01"  # first monthly cut-off of the cohort curves
cohort_end = "2026-06-01"  # last monthly cut-off (its 30-day window must be in the data)
cohort_horizon_days = 30  # a user is active in a month if active in the 30 days from its start
claim_age_months = 3  # retention compared at this many months after the join month
spend_days = 180  # spend compared over the first days after joining
screen_min_days = 3  # group join this many days or more after joining (with 1:1 first) = screened
landmark_days = 28  # screening is read from the first days only
n_boot = 1000  # bootstrap resamples for the spend interval
koc_top_n = 15  # rows of the KOC list
currency = "CNY"  # the currency of the orders' amounts (shown with every amount)
min_group_n = 30  # groups (segments, tiers, personas) of fewer users are greyed in the charts
lang = "en"  # "en" or "zh": the language of labels, tables and readings
# where the scans of all events run: "auto" (DuckDB on a prepared store, else pandas),
# "pandas", "duckdb" or "spark" (from disk)
engine = "auto"

# %%
from analysis.reports.summary import answer_placeholder

answer = answer_placeholder(lang)  # filled with the computed answer in the last cell

# %% [markdown]
# Who the users are, how they move through the nine stages, which channels bring users who
# stay.
#
#
# The essay's remedy is a user flow ecosystem: treat every user as moving through stages and
# let old users bring new ones. This report answers four questions on the data:
#
# 1. **Who are the users?** RFM segments, tiers by the five-value index, and personas found
#    by clustering the five values.
# 2. **How do they move?** A nine-stage ladder (the kit's own synthesis of 5A / AIPL / O-5A —
#    *not* the essay's unpublished node names) with two off-ladder states, silent and lost;
#    monthly snapshots, the transitions between them, forward conversion and the bottleneck.
# 3. **Which channels and hooks bring users who stay?** Retention by join cohort, channel and
#    hook, and the essay's two claims about giveaway events and 1:1 screening, each with an
#    interval and a verdict.
# 4. **Do old users bring new ones?** Referrals, the K-factor over time, and KOC candidates
#    (pseudonymous ids only).
#
# On simulated data the last section compares the recovered channel effects, the screening
# flag and the K-factor with the simulator's truth.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis.aggregate.labels import retention_labels
from analysis.aggregate.time import as_timestamp
from analysis.aggregate.values import value_evidence
from analysis.i18n import say, tr, tr_frame
from analysis.plots import flow as pf
from analysis.reports import (
    headline,
    in_memory,
    report_inputs,
    report_parameters,
    save_table,
)
from analysis.reports.provenance import provenance
from analysis.simulate import checks
from analysis.studies import cohorts as co
from analysis.studies import flow, flow_results, funnels
from analysis.studies import personas as persona_cards
from analysis.studies import segments as sg
from analysis.studies.scores import FiveValueScorer

inputs = report_inputs(
    data_dir, vocabulary=vocabulary, truth_dir=truth_dir, lang=lang, engine=engine
)
tables = inputs.tables
# the contacts in memory; events and orders are scanned where they are (on a prepared store:
# by DuckDB from its Parquet files, and only per-user or aggregated tables come back)
contacts, events, orders = in_memory(tables.contacts), tables.events, tables.orders

# %% [markdown]
# ## The stage ladder
# One configuration holds the stages, their Chinese names and the evidence that places a user
# on each. A user sits at the highest stage with evidence in the look-back window, so stages
# go down as well as up; silent and lost sit off the ladder.

# %%
ladder = flow.Ladder(
    lookback_days=lookback_days,
    silent_days=silent_days,
    lost_days=lost_days,
    repeat_min_orders=repeat_min_orders,
    vocabulary=tables.vocabulary,
)
tr_frame(ladder.table(lang), lang, value_columns=["state"])

# %% [markdown]
# ### Why advocacy needs a purchase
# The same ladder with and without the purchase gate, at the segment cut-off: how many users
# the gate keeps out of the upper stages because they shared without ever buying.

# %%
# one stage query: the monthly codes of the flow (section 2) and the codes at the cut-off with
# and without the gate (the tiers reuse them)
snaps = flow.monthly_snapshots(snapshot_start, snapshot_end, freq=snapshot_freq, tz=tables.tz)
codes, at_cutoff = flow.codes_at(
    contacts, events, orders, as_of=as_of, ladder=ladder, snapshots=snaps, engine=engine
)
gate = flow_results.PurchaseGate(
    flow.purchase_gate_effect(
        contacts, events, orders, as_of=as_of, ladder=ladder, codes=at_cutoff, engine=engine
    ),
    as_of=str(as_of),
    fallback=ladder.gate_fallback_stage or ladder.join_stage,
)
save_table(gate.table, "purchase_gate")
display(tr_frame(gate.table, lang, value_columns=["stage"]))
Markdown(say("flow.reading", lang, text=gate.reading(lang)))

# %% [markdown]
# ## 1. Who the users are (as of the segment cut-off)
# The population: contacts who joined before the cut-off and had not deleted the brand; the
# retention label is "active in the next `horizon_days`". Spend is net spend before the
# cut-off (all history).

# %%
labels = retention_labels(
    contacts,
    events,
    orders,
    cutoff=as_of,
    horizon_days=horizon_days,
    lost_after_days=None,  # every contact who has not deleted the brand
    engine=engine,
)
pop = pd.Index(labels["user_id"], name="user_id")
retained = labels.set_index("user_id")["retained"]
rfm = sg.rfm_table(orders, as_of=as_of, users=pop.to_series(), engine=engine)
rfm_seg = sg.rfm_segments(sg.rfm_scores(rfm, bins=rfm_bins), bins=rfm_bins)
segments = flow_results.rfm_segment_summary(
    rfm_seg["segment"],
    retained=retained,
    spend=rfm["monetary"],
    as_of=as_of,
    horizon_days=horizon_days,
)
save_table(segments.table, "rfm_segments")
display(tr_frame(sg.rfm_segment_rules(), lang, value_columns=["segment", "meaning"]))
tr_frame(segments.table.rename(index=lambda k: tr(k, lang)), lang, headers={"group": "segment"})

# %% [markdown]
# Each bar is the share of an RFM segment's users still active in the following window, with
# its 95% interval; the label under a bar gives the segment's size, and segments of fewer than
# `min_group_n` users are greyed: their rate is too noisy to read.

# %%
fig, ax = plt.subplots(figsize=(10, 4))
segments.plot(ax=ax, lang=lang, min_n=min_group_n)
plt.show()

# %%
Markdown(say("flow.reading", lang, text=segments.reading(lang)))

# %% [markdown]
# ### Value tiers by the five-value index
# The five values are normalised (percentile in the population) and weighted with the
# chosen preset; users who are silent or lost in the flow at the cut-off form the silent tier.

# %%
evidence = value_evidence(
    events,
    orders,
    as_of=as_of,
    lookback_days=value_lookback_days,
    users=pop.to_series(),
    vocabulary=tables.vocabulary,
    engine=engine,
)
scorer = FiveValueScorer(weights=value_weights).fit(evidence)
scores = scorer.transform(evidence)
off_ladder = flow.off_ladder_at(
    contacts, events, orders, as_of=as_of, users=pop, ladder=ladder, codes=at_cutoff
)
tiers = flow_results.tier_summary(
    sg.value_tiers(scores["index"], silent=off_ladder, cuts=tier_cuts)["tier"],
    retained=retained,
    spend=rfm["monetary"],
    as_of=as_of,
    horizon_days=horizon_days,
)
tier_sum = save_table(tiers.table, "value_tiers")
tr_frame(
    tier_sum.assign(zh=[tr(t, "zh") for t in tier_sum.index]).rename(index=lambda k: tr(k, lang)),
    lang,
    value_columns=[],
    headers={"group": "tier"},
)

# %% [markdown]
# Retention by tier: if the index carries information about staying, the bars should rise
# from ordinary to core VIP (silent users are shown for contrast).

# %%
fig, ax = plt.subplots(figsize=(8, 4))
tiers.plot(ax=ax, lang=lang, min_n=min_group_n)
plt.show()

# %%
Markdown(say("flow.reading", lang, text=tiers.reading(lang)))

# %% [markdown]
# ### Five-value personas
# k-means on the standardised (log) five values; the number of personas is chosen by the
# criterion below, and persona 1 is always the largest.

# %%
personas = sg.FiveValuePersonas(
    k=persona_k, criterion=persona_criterion, random_state=random_state, fit_sample=fit_sample
).fit(evidence)
display(tr_frame(personas.selection_, lang, headers={"k": "n_personas"}))
if personas.fit_sample_.sampled:  # stated where a sample was drawn (above 200,000 users)
    display(Markdown(personas.fit_sample_.sentence(lang)))
profile = flow_results.persona_summary(personas, evidence, retained=retained, spend=rfm["monetary"])
tr_frame(save_table(profile.table, "personas"), lang, value_columns=["name"])

# %% [markdown]
# The heatmap says what makes each persona distinct (red = above the average user on that
# value, blue = below); the bars beside it give each persona's size and retention.

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
profile.plot_centroids(ax=axes[0], lang=lang)
profile.plot(ax=axes[1], lang=lang, min_n=min_group_n)
plt.tight_layout()
plt.show()

# %%
Markdown(say("flow.reading", lang, text=profile.reading(lang)))

# %% [markdown]
# ### Persona cards: distinct personas, where they come from, what to use them for
# Personas closer than `persona_merge_sd` standard deviations (centroids of the standardised
# five values) are merged into one; each remaining persona gets its channel mix and a
# suggested use from the value it is highest on.

# %%
merged_personas, persona_merges = persona_cards.merge_close_personas(
    personas.predict(evidence), personas.centroids_, max_distance=persona_merge_sd
)
cards = persona_cards.PersonaCards(
    persona_cards.persona_cards(
        merged_personas,
        contacts,
        standardised=personas.standardised(evidence),
        retained=retained,
        spend=rfm["monetary"],
    ),
    merges=persona_merges,
    max_distance=persona_merge_sd,
)
save_table(cards.table, "persona_cards")
save_table(cards.merges, "persona_merges")
display(tr_frame(cards.table, lang, value_columns=["main_channel", "use"]))
Markdown(say("flow.reading", lang, text=cards.reading(lang)))

# %% [markdown]
# ### Who is counted where
# The overview counts every contact in the data; each section here counts a subset. The
# table walks from the overview's contacts to each section's users, one rule at a time.

# %%
from analysis.reports import population as pp

day = as_timestamp(as_of, tz=tables.tz, name="as_of").date().isoformat()
cut_steps = pp.cutoff_steps(
    contacts,
    events,
    orders,
    cutoff=as_of,
    lost_after_days=None,
    vocabulary=tables.vocabulary,
    studied=pop,
)
pp.show_population(
    pp.population(
        [
            pp.Step(s.key, s.ids, s.values, used_by)
            for s, used_by in zip(
                cut_steps,
                ["Overview", "Funnel, time to purchase", "Five-value personas, segments, tiers"],
            )
        ]
        + [
            pp.step(
                "on_ladder",
                pop[~off_ladder.to_numpy()],
                date=day,
                used_by="Flow at the cut-off",
            )
        ],
        lang=lang,
    ),
    heading=False,
)

# %% [markdown]
# ## 2. The flow: how users move through the stages

# %%
sizes = flow_results.StageSizes(flow.stage_sizes(codes, ladder=ladder), stages=ladder.stages)
moves = flow_results.Transitions(flow.transitions(codes, ladder=ladder))
conversion = flow_results.ForwardConversion(
    flow.forward_conversion(codes, ladder=ladder),
    time_in_stage=flow.time_in_stage(codes, ladder=ladder),
    repeat_stage=ladder.repeat_stage,
)
save_table(sizes.table, "stage_sizes")
save_table(moves.table, "transitions")
save_table(conversion.table, "forward_conversion")
save_table(conversion.time_in_stage, "time_in_stage")
tr_frame(sizes.table.tail(3), lang)

# %% [markdown]
# How the population splits across the states at each snapshot: the ladder stages grow with
# the contact base while the silent and lost layers show how much of it no longer moves.

# %%
fig, ax = plt.subplots(figsize=(11, 4.5))
sizes.plot(ax=ax, title="Users in each state at each monthly snapshot", lang=lang)
plt.tight_layout()
plt.show()

# %%
Markdown(say("flow.reading", lang, text=sizes.reading(lang)))

# %% [markdown]
# The alluvial chart follows the same users across four snapshots: each band is a group of
# users moving from one state (left) to another (right), coloured by where they came from.

# %%
fig, ax = plt.subplots(figsize=(9.5, 6.5))
pf.plot_alluvial(
    codes,
    states=ladder.states,
    ax=ax,
    title="How users flow between stages (selected snapshots)",
    lang=lang,
)
plt.tight_layout()
plt.show()

# %% [markdown]
# The transition heatmap gives the exact shares, pooled over all pairs of consecutive
# snapshots: read a row to see where the users of that state are one snapshot later.

# %%
fig, ax = plt.subplots(figsize=(11, 8))
moves.plot(ax=ax, title="Transition shares between consecutive monthly snapshots", lang=lang)
plt.tight_layout()
plt.show()

# %%
Markdown(say("flow.reading", lang, text=moves.reading(lang)))

# %% [markdown]
# Forward conversion: of the users at a stage, the share at a higher stage one snapshot
# later. The red bar is the bottleneck — the weakest forward step from `access` upwards; the
# purchase funnel's own weakest step (below the repeat purchase) is named after it.

# %%
fig, ax = plt.subplots(figsize=(10, 4))
conversion.plot(ax=ax, lang=lang)
plt.show()

# %%
display(
    tr_frame(
        conversion.time_in_stage,
        lang,
        value_columns=["state"],
        headers={"completed": "completed_spells"},
    )
)
Markdown(
    say(
        "flow.reading",
        lang,
        text=conversion.reading(lang) + " " + conversion.funnel_reading(lang),
    )
)

# %% [markdown]
# ### The purchase funnel by channel and hook
# The private-domain funnel as of the segment cut-off: contact added → joined a group → first
# order → repeat order. Each step rate is the share of the users at the step before who also
# reached this one (95% intervals); a user who bought without joining a group counts at the
# first order but not in the step from the group.

# %%
# the funnel of all users, by channel and by hook (one read of the events and orders)
overall, by_channel, by_hook = funnels.milestone_funnels(
    contacts,
    events,
    orders,
    as_of=as_of,
    by=[None, "channel", "hook"],
    repeat_min_orders=repeat_min_orders,
    engine=engine,
)
funnel = funnels.Funnel(overall, channels=by_channel, hooks=by_hook, as_of=str(as_of))
save_table(funnel.table, "funnel")
save_table(funnel.channels, "funnel_by_channel")
save_table(funnel.hooks, "funnel_by_hook")
fig, axes = plt.subplots(1, 2, figsize=(14, 5))
funnel.plot(ax=axes[0], lang=lang, by="channel")
funnel.plot(ax=axes[1], lang=lang, by="hook")
plt.tight_layout()
plt.show()

# %%
display(
    tr_frame(funnel.channels, lang, value_columns=["group", "step"], headers={"group": "channel"})
)
display(tr_frame(funnel.hooks, lang, value_columns=["group", "step"], headers={"group": "hook"}))
Markdown(say("flow.reading", lang, text=funnel.reading(lang)))

# %% [markdown]
# ### Time to the first purchase and to the repurchase
# Kaplan–Meier medians: contacts who have not bought by the cut-off count as "not yet", so
# the median is not pulled towards the fast buyers. A median is missing where fewer than half
# have bought.

# %%
timing = funnels.PurchaseTiming(
    funnels.purchase_timing(contacts, orders, as_of=as_of, by=None, engine=engine),
    channels=funnels.purchase_timing(contacts, orders, as_of=as_of, by="channel", engine=engine),
)
save_table(timing.channels, "purchase_timing_by_channel")
display(
    tr_frame(
        pd.concat([timing.table, timing.channels]),
        lang,
        value_columns=["group", "interval"],
        headers={"group": "channel", "events": "buyers"},
    )
)
Markdown(say("flow.reading", lang, text=timing.reading(lang)))

# %% [markdown]
# ## 3. Which channels and hooks bring users who stay
# A user counts as active in a month when they interact or buy in the 30 days from the
# month's start; hard-churned users count as inactive. Cohorts are join months.

# %%
cutoffs = flow.monthly_snapshots(cohort_start, cohort_end, tz=tables.tz)
activity = co.cohort_activity(
    contacts,
    events,
    orders,
    cutoffs=cutoffs,
    horizon_days=cohort_horizon_days,
    engine=engine,
)
fig, ax = plt.subplots(figsize=(11, 6))
pf.plot_cohort_heatmap(co.cohort_table(activity), ax=ax, lang=lang)
plt.tight_layout()
plt.show()

# %% [markdown]
# Read each row left to right: how a join cohort thins out month by month. Rows that fade
# faster are worse cohorts. The curves below pool cohorts by channel and by hook (bands:
# 95% Wilson intervals).

# %%
acquisition = flow_results.acquisition_retention(activity, age_months=claim_age_months)
save_table(acquisition.table, "retention_by_channel")
save_table(acquisition.hooks, "retention_by_hook")
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5), sharey=True)
acquisition.plot(ax=axes[0], by="channel", lang=lang)
acquisition.plot(ax=axes[1], by="hook", lang=lang)
plt.tight_layout()
plt.show()

# %%
Markdown(say("flow.reading", lang, text=acquisition.reading(lang)))

# %% [markdown]
# ### The essay's two claims
# *Giveaway events bring coupon hunters*: users from crude offline giveaway events (the kit's
# one definition, `analysis.aggregate.rules.giveaway_flag`, shared with the lifetime-value
# report: offline events with a merch or coupon hook) retain and spend less than the others.
# *Screen in 1:1 first*: users held in 1:1 for at least
# `screen_min_days` days (with a 1:1 message) before their first group join retain better than
# users pulled straight into a group. Screening is read from each user's first
# `landmark_days` only, and retention is compared later, so neither group is credited with
# time it had to survive to be classified. These are observational comparisons: the groups
# may differ in other ways (channel mix, season).

# %%
# how each user came into groups (read once: the truth check below compares it too)
screening = co.screening_groups(
    contacts, events, min_days=screen_min_days, landmark_days=landmark_days, engine=engine
)
claims = flow_results.claims_check(
    contacts,
    events,
    orders,
    activity=activity,
    screening=screening,
    observation_end=snapshot_end,
    age_months=claim_age_months,
    spend_days=spend_days,
    screen_min_days=screen_min_days,
    landmark_days=landmark_days,
    n_boot=n_boot,
    random_state=random_state,
    engine=engine,
)
save_table(claims.table, "essay_claims")
tr_frame(claims.table, lang, value_columns=["claim", "metric", "group_a", "group_b", "verdict"])

# %% [markdown]
# The effects with their 95% intervals; an interval that does not cross the dashed zero line
# is a clear difference in that direction.

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 3.5))
claims.plot(ax=axes[0], kind="retention", lang=lang)
claims.plot(ax=axes[1], kind="spend", currency=currency, lang=lang)
plt.tight_layout()
plt.show()

# %%
display(Markdown(say("flow.reading", lang, text="\n\n" + claims.reading(lang))))
display(headline(claims.headline(lang, bottleneck=conversion.bottleneck)))

# %% [markdown]
# ## 4. Referral (老带新) and KOC candidates
# K-factor per month = referred contacts who joined in the month ÷ contacts who had joined
# before it; a K of 1 would mean every user brings one new user a month.

# %%
referral = flow_results.referral_summary(
    contacts,
    events,
    orders,
    periods=flow.monthly_snapshots(snapshot_start, snapshot_end, tz=tables.tz),
    engine=engine,
)
per = save_table(referral.table, "referral_by_month")
fig, ax = plt.subplots(figsize=(10, 4))
referral.plot(ax=ax, title="Referral K-factor per month (95% CI)", lang=lang)
plt.show()

# %%
display(
    tr_frame(
        per.drop(columns=["period"]).assign(month=per["period"].dt.strftime("%Y-%m")).tail(6), lang
    )
)
Markdown(say("flow.reading", lang, text=referral.reading(lang)))

# %% [markdown]
# KOC (key opinion consumer) candidates: users high on social and content value who also
# brought in contacts who bought. Ids are keyed pseudonyms (HMAC-SHA256; the key comes from
# `ANALYSIS_PSEUDONYM_KEY`, or from a key file created once on this machine, and is never
# shown), so the same user keeps the same pseudonym across runs with the same key.

# %%
koc = co.koc_candidates(contacts, orders, evidence, top_n=koc_top_n, engine=engine)
tr_frame(koc, lang)

# %%
from analysis.reports.summary import segments_bullets, show_answer

show_answer(
    answer,
    segments_bullets(
        claims.table,
        age_months=claim_age_months,
        spend_days=spend_days,
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

# %% [markdown]
# ### 5. Check against the simulator's truth (simulated data only)
# The simulator knows who was screened, who is a coupon hunter, each channel's effect on the
# hazard of leaving, and the realised K-factor. A Cox model with the channel alone recovers
# the channel's *marginal* effect (including the coupon hunters and the latent values it
# brings), so it is compared with both the marginal and the structural truth.

# %%
if inputs.has_truth:
    truth = checks.flow_truth_check(
        inputs.truth_users,
        inputs.truth_params,
        contacts,
        events,
        orders,
        observation_end=snapshot_end,
        claims=claims,
        k_factor=referral.k_factor,
        screen_min_days=screen_min_days,
        landmark_days=landmark_days,
        reference="partner",
        screening=screening,
        engine=engine,
    )
    display(tr_frame(truth.screening, lang, index=True))
    display(
        tr_frame(
            save_table(truth.table, "channel_effects_vs_truth"),
            lang,
            headers={"n": "users", "hr": "hazard_ratio", "left": "users_left"},
        )
    )
    fig, ax = plt.subplots(figsize=(7, 6))
    truth.plot(
        ax=ax,
        title="Recovered vs true channel effects on leaving (reference: partner)",
        lang=lang,
    )
    plt.show()

# %% [markdown]
# Points near the diagonal (for the marginal truth) mean the channel effects are recovered;
# the structural truth differs by what each channel brings along (coupon hunters, values).

# %%
if inputs.has_truth:
    display(Markdown(say("flow.reading", lang, text=truth.reading(lang))))
else:
    display(Markdown(say("flow.no_truth", lang)))

# %% [markdown]
# ### Provenance

# %%
provenance(
    report_parameters(globals(), notebook="notebooks/segments-and-flow.py"),
    [*tables.files.values(), *inputs.truth_files],
)
