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
random_state = 0
cohort_start = "2025-02-01"  # first monthly cut-off of the cohort curves
cohort_end = "2026-06-01"  # last monthly cut-off (its 30-day window must be in the data)
cohort_horizon_days = 30  # a user is active in a month if active in the 30 days from its start
claim_age_months = 3  # retention compared at this many months after the join month
spend_days = 180  # spend compared over the first days after joining
giveaway_channels = ["offline_event"]  # channels counted as giveaway events
giveaway_hooks = None  # e.g. ["merch", "coupon"]; None = every hook of those channels
screen_min_days = 3  # group join this many days or more after joining (with 1:1 first) = screened
landmark_days = 28  # screening is read from the first days only
n_boot = 1000  # bootstrap resamples for the spend interval
koc_top_n = 15  # rows of the KOC list
lang = "en"  # "en" or "zh": the language of labels, tables and readings
engine = "pandas"  # where the scans of all events run: "pandas", "duckdb" or "spark" (from disk)

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis.aggregate.labels import retention_labels
from analysis.aggregate.values import value_evidence
from analysis.i18n import CLAUSE_SEP, say, tr, tr_frame
from analysis.paths import resolve
from analysis.plots import flow as pf
from analysis.reports import headline, open_tables, report_inputs, save_table
from analysis.reports.provenance import provenance
from analysis.simulate import checks
from analysis.studies import cohorts as co
from analysis.studies import flow
from analysis.studies import segments as sg
from analysis.studies.scores import FiveValueScorer

inputs = report_inputs(data_dir, vocabulary=vocabulary, truth_dir=truth_dir, lang=lang)
tables = inputs.tables
contacts, events, orders = tables.contacts, tables.events, tables.orders
# the scans of every event (labels, evidence, stages, cohorts) on `engine`: on duckdb / spark
# they read the files again, out of core, and return the same tables
scan = tables if engine == "pandas" else open_tables(resolve(data_dir), engine=engine)
has_truth = inputs.has_truth
truth_users, truth_params, truth_files = inputs.truth_users, inputs.truth_params, inputs.truth_files

# %% [markdown]
# ## Provenance

# %%
params = dict(
    data_dir=data_dir,
    truth_dir=truth_dir,
    vocabulary=vocabulary,
    snapshot_start=snapshot_start,
    snapshot_end=snapshot_end,
    snapshot_freq=snapshot_freq,
    lookback_days=lookback_days,
    silent_days=silent_days,
    lost_days=lost_days,
    repeat_min_orders=repeat_min_orders,
    as_of=as_of,
    horizon_days=horizon_days,
    value_lookback_days=value_lookback_days,
    value_weights=value_weights,
    rfm_bins=rfm_bins,
    tier_cuts=tier_cuts,
    persona_k=persona_k,
    persona_criterion=persona_criterion,
    random_state=random_state,
    cohort_start=cohort_start,
    cohort_end=cohort_end,
    cohort_horizon_days=cohort_horizon_days,
    claim_age_months=claim_age_months,
    spend_days=spend_days,
    giveaway_channels=giveaway_channels,
    giveaway_hooks=giveaway_hooks,
    screen_min_days=screen_min_days,
    landmark_days=landmark_days,
    n_boot=n_boot,
    koc_top_n=koc_top_n,
    lang=lang,
    engine=engine,
)
provenance(params, [*tables.files.values(), *truth_files])

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
tr_frame(ladder.table(), lang, value_columns=["state"])

# %% [markdown]
# ## 1. Who the users are (as of the segment cut-off)
# The population: contacts who joined before the cut-off and had not deleted the brand; the
# retention label is "active in the next `horizon_days`". Spend is net spend before the
# cut-off (all history).

# %%
labels = retention_labels(
    scan.contacts, scan.events, scan.orders, cutoff=as_of, horizon_days=horizon_days, engine=engine
)
pop = pd.Index(labels["user_id"], name="user_id")
retained = labels.set_index("user_id")["retained"]
rfm = sg.rfm_table(orders, as_of=as_of, users=pop.to_series())
rfm_seg = sg.rfm_segments(sg.rfm_scores(rfm, bins=rfm_bins), bins=rfm_bins)
seg_sum = save_table(
    sg.group_summary(rfm_seg["segment"], retained=retained, spend=rfm["monetary"]), "rfm_segments"
)
display(tr_frame(sg.rfm_segment_rules(), lang, value_columns=["segment"]))
tr_frame(seg_sum.rename(index=lambda k: tr(k, lang)), lang)

# %% [markdown]
# The chart shows how large each RFM segment is and how many of its users are still active
# in the following window; read the bars against the dots to see which large segments keep
# their users.

# %%
fig, ax = plt.subplots(figsize=(10, 4))
pf.plot_persona_bars(
    seg_sum.assign(name=seg_sum.index.astype(str)).reset_index(drop=True),
    ax=ax,
    title=say("flow.plot.segment_title", lang, horizon=horizon_days, as_of=as_of),
    ylabel="share retained (95% CI)",
    xlabel="segment",
    lang=lang,
)
plt.show()

# %%
buyers = seg_sum.drop(index="no_purchase")
largest = buyers["users"].idxmax()
best, worst = buyers["retention"].idxmax(), buyers["retention"].idxmin()
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.rfm",
                lang,
                users=int(seg_sum["users"].sum()),
                as_of=as_of,
                no_purchase=seg_sum.loc["no_purchase", "share"],
                largest=tr(largest, lang),
                largest_share=buyers.loc[largest, "share"],
                best=tr(best, lang),
                best_rate=buyers.loc[best, "retention"],
                best_lo=buyers.loc[best, "retention_lo"],
                best_hi=buyers.loc[best, "retention_hi"],
                worst=tr(worst, lang),
                worst_rate=buyers.loc[worst, "retention"],
                worst_lo=buyers.loc[worst, "retention_lo"],
                worst_hi=buyers.loc[worst, "retention_hi"],
            ),
        )
    )
)

# %% [markdown]
# ### Value tiers by the five-value index
# The five values are normalised (percentile in the population) and weighted with the
# chosen preset; users who are silent or lost in the flow at the cut-off form the silent tier.

# %%
evidence = value_evidence(
    scan.events,
    scan.orders,
    as_of=as_of,
    lookback_days=value_lookback_days,
    users=pop.to_series(),
    engine=engine,
)
scorer = FiveValueScorer(weights=value_weights).fit(evidence)
scores = scorer.transform(evidence)
state_at = flow.assign_stages(
    contacts, scan.events, scan.orders, snapshots=[as_of], ladder=ladder, engine=engine
)
state_at = state_at.iloc[:, 0].reindex(pop)
off = [ladder.states.index("silent"), ladder.states.index("lost")]
tiers = sg.value_tiers(scores["index"], silent=state_at.isin(off), cuts=tier_cuts)
tier_sum = save_table(
    sg.group_summary(tiers["tier"], retained=retained, spend=rfm["monetary"]), "value_tiers"
)
tr_frame(
    tier_sum.assign(zh=[tr(t, "zh") for t in tier_sum.index]).rename(index=lambda k: tr(k, lang)),
    lang,
    value_columns=[],
)

# %% [markdown]
# Retention by tier: if the index carries information about staying, the bars should rise
# from ordinary to core VIP (silent users are shown for contrast).

# %%
fig, ax = plt.subplots(figsize=(8, 4))
pf.plot_persona_bars(
    tier_sum.assign(name=tier_sum.index.astype(str)).reset_index(drop=True),
    ax=ax,
    title=say("flow.plot.tier_title", lang, horizon=horizon_days, as_of=as_of),
    ylabel="share retained (95% CI)",
    xlabel="tier",
    lang=lang,
)
plt.show()

# %%
top_t, ord_t = tier_sum.loc["core_vip"], tier_sum.loc["ordinary"]
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.tiers",
                lang,
                vip_users=int(top_t["users"]),
                vip_rate=top_t["retention"],
                vip_lo=top_t["retention_lo"],
                vip_hi=top_t["retention_hi"],
                ord_rate=ord_t["retention"],
                ord_lo=ord_t["retention_lo"],
                ord_hi=ord_t["retention_hi"],
                vip_spend=top_t["mean_spend"],
                ord_spend=ord_t["mean_spend"],
                silent_share=tier_sum.loc["silent", "share"],
                silent_rate=tier_sum.loc["silent", "retention"],
            ),
        )
    )
)

# %% [markdown]
# ### Five-value personas
# k-means on the standardised (log) five values; the number of personas is chosen by the
# criterion below, and persona 1 is always the largest.

# %%
personas = sg.FiveValuePersonas(
    k=persona_k, criterion=persona_criterion, random_state=random_state
).fit(evidence)
display(tr_frame(personas.selection_, lang))
lab = personas.predict(evidence)
profile = save_table(
    sg.persona_profile(
        evidence, lab, names=personas.names_, retained=retained, spend=rfm["monetary"]
    ),
    "personas",
)
tr_frame(profile, lang, value_columns=["name"])

# %% [markdown]
# The heatmap says what makes each persona distinct (red = above the average user on that
# value, blue = below); the bars beside it give each persona's size and retention.

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
pf.plot_persona_centroids(personas.summary, ax=axes[0], lang=lang)
pf.plot_persona_bars(
    profile, ax=axes[1], title="Retention by persona", ylabel="share retained (95% CI)", lang=lang
)
plt.tight_layout()
plt.show()

# %%
p_best, p_worst = profile["retention"].idxmax(), profile["retention"].idxmin()
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.personas",
                lang,
                k=personas.k_,
                criterion=persona_criterion,
                largest=tr(profile.loc[0, "name"], lang),
                share=profile.loc[0, "share"],
                worst_rate=profile.loc[p_worst, "retention"],
                worst=tr(profile.loc[p_worst, "name"], lang),
                best_rate=profile.loc[p_best, "retention"],
                best=tr(profile.loc[p_best, "name"], lang),
                spend_min=profile["mean_spend"].min(),
                spend_max=profile["mean_spend"].max(),
            ),
        )
    )
)

# %% [markdown]
# ## 2. The flow: how users move through the stages

# %%
snaps = flow.monthly_snapshots(snapshot_start, snapshot_end, freq=snapshot_freq, tz=tables.tz)
codes = flow.assign_stages(
    contacts, scan.events, scan.orders, snapshots=snaps, ladder=ladder, engine=engine
)
sizes = save_table(flow.stage_sizes(codes, ladder=ladder), "stage_sizes")
counts = save_table(flow.transitions(codes, ladder=ladder), "transitions")
rates = flow.transition_rates(counts)
conv = save_table(flow.forward_conversion(codes, ladder=ladder), "forward_conversion")
neck = flow.bottleneck(conv)
tis = save_table(flow.time_in_stage(codes, ladder=ladder), "time_in_stage")
sizes.tail(3).rename(columns=lambda c: tr(c, lang))

# %% [markdown]
# How the population splits across the states at each snapshot: the ladder stages grow with
# the contact base while the silent and lost layers show how much of it no longer moves.

# %%
fig, ax = plt.subplots(figsize=(11, 4.5))
pf.plot_stage_sizes(sizes, ax=ax, title="Users in each state at each monthly snapshot", lang=lang)
plt.tight_layout()
plt.show()

# %%
last = sizes.iloc[-1]
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.sizes",
                lang,
                date=f"{sizes.index[-1]:%Y-%m-%d}",
                users=int(last.sum()),
                lost=last["lost"] / last.sum(),
                silent=last["silent"] / last.sum(),
                stage=tr(last[list(ladder.stages)].idxmax(), lang),
                stage_share=last[list(ladder.stages)].max() / last.sum(),
            ),
        )
    )
)

# %% [markdown]
# The alluvial chart follows the same users across four snapshots: each band is a group of
# users moving from one state (left) to another (right), coloured by where they came from.

# %%
fig, ax = plt.subplots(figsize=(12, 6))
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
pf.plot_transition_heatmap(
    rates,
    counts=counts,
    ax=ax,
    title="Transition shares between consecutive monthly snapshots",
    lang=lang,
)
plt.tight_layout()
plt.show()

# %%
stay_lost = rates.loc["lost", "lost"]
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.transitions",
                lang,
                silent_lost=rates.loc["silent", "lost"],
                silent_back=1 - rates.loc["silent", ["silent", "lost"]].sum(),
                stay_lost=stay_lost,
                new_lost=rates.loc[flow.NEW, "lost"],
            ),
        )
    )
)

# %% [markdown]
# Forward conversion: of the users at a stage, the share at a higher stage one snapshot
# later. The red bar is the bottleneck — the weakest forward step from `access` upwards.

# %%
fig, ax = plt.subplots(figsize=(10, 4))
pf.plot_forward_conversion(conv, bottleneck=neck["stage"], ax=ax, lang=lang)
plt.show()

# %%
display(tr_frame(tis, lang, value_columns=["state"]))
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.bottleneck",
                lang,
                stage=neck["stage"],
                zh=neck["zh"],
                rate=neck["forward_rate"],
                lo=neck["lo"],
                hi=neck["hi"],
                n=int(neck["n"]),
                stay=neck["stay_rate"],
                days=tis.set_index("state").loc[neck["stage"], "mean_days_completed"],
            ),
        )
    )
)

# %% [markdown]
# ## 3. Which channels and hooks bring users who stay
# A user counts as active in a month when they interact or buy in the 30 days from the
# month's start; hard-churned users count as inactive. Cohorts are join months.

# %%
cutoffs = flow.monthly_snapshots(cohort_start, cohort_end, tz=tables.tz)
activity = co.cohort_activity(
    contacts,
    scan.events,
    scan.orders,
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
by_channel = save_table(
    co.retention_curves(activity, by="channel", min_n=50), "retention_by_channel"
)
by_hook = save_table(co.retention_curves(activity, by="hook", min_n=50), "retention_by_hook")
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5), sharey=True)
pf.plot_retention_curves(
    by_channel, by="channel", ax=axes[0], title="Retention by channel", lang=lang
)
pf.plot_retention_curves(by_hook, by="hook", ax=axes[1], title="Retention by hook", lang=lang)
plt.tight_layout()
plt.show()

# %%
at = by_channel.loc[by_channel["age_months"] == claim_age_months].set_index("channel")
at_h = by_hook.loc[by_hook["age_months"] == claim_age_months].set_index("hook")
top_c, bottom_c = at["rate"].idxmax(), at["rate"].idxmin()
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.channels",
                lang,
                age=claim_age_months,
                top=tr(top_c, lang),
                top_rate=at["rate"].max(),
                top_lo=at.loc[top_c, "lo"],
                top_hi=at.loc[top_c, "hi"],
                bottom=tr(bottom_c, lang),
                bottom_rate=at["rate"].min(),
                bottom_lo=at.loc[bottom_c, "lo"],
                bottom_hi=at.loc[bottom_c, "hi"],
                top_hook=tr(at_h["rate"].idxmax(), lang),
                top_hook_rate=at_h["rate"].max(),
                bottom_hook=tr(at_h["rate"].idxmin(), lang),
                bottom_hook_rate=at_h["rate"].min(),
            ),
        )
    )
)

# %% [markdown]
# ### The essay's two claims
# *Giveaway events bring coupon hunters*: users from crude offline giveaway events retain and
# spend less than the others. *Screen in 1:1 first*: users held in 1:1 for at least
# `screen_min_days` days (with a 1:1 message) before their first group join retain better than
# users pulled straight into a group. Screening is read from each user's first
# `landmark_days` only, and retention is compared later, so neither group is credited with
# time it had to survive to be classified. These are observational comparisons: the groups
# may differ in other ways (channel mix, season).

# %%
claims = co.essay_claims(
    contacts,
    events,
    orders,
    activity=activity,
    observation_end=snapshot_end,
    age_months=claim_age_months,
    spend_days=spend_days,
    giveaway_channels=giveaway_channels,
    giveaway_hooks=giveaway_hooks,
    screen_min_days=screen_min_days,
    landmark_days=landmark_days,
    n_boot=n_boot,
    random_state=random_state,
)
save_table(claims, "essay_claims")
tr_frame(claims, lang, value_columns=["claim", "metric", "group_a", "group_b", "verdict"])

# %% [markdown]
# The effects with their 95% intervals; an interval that does not cross the dashed zero line
# is a clear difference in that direction.

# %%
ret_rows = claims.loc[claims["metric"].str.startswith("retained")]
spend_rows = claims.loc[~claims["metric"].str.startswith("retained")]
fig, axes = plt.subplots(1, 2, figsize=(14, 3.5))
pf.plot_effects(
    ret_rows,
    scale=100,
    unit="difference in retention (percentage points, a − b)",
    ax=axes[0],
    title="Retention: group a minus group b",
    lang=lang,
)
pf.plot_effects(
    spend_rows,
    unit=f"difference in mean net spend, first {spend_days} days (CNY)",
    ax=axes[1],
    title="Spend: giveaway minus others",
    lang=lang,
)
plt.tight_layout()
plt.show()

# %%
readings = [
    say(
        "flow.claim",
        lang,
        claim=tr(r.claim, lang),
        group_a=tr(r.group_a, lang),
        value_a=r.value_a,
        n_a=r.n_a,
        group_b=tr(r.group_b, lang),
        value_b=r.value_b,
        n_b=r.n_b,
        metric=tr(r.metric, lang),
        effect=r.effect,
        lo=r.lo,
        hi=r.hi,
        verdict=tr(r.verdict, lang),
    )
    for r in claims.itertuples()
]
display(Markdown(say("flow.reading", lang, text="\n\n" + "\n".join(readings))))
cl = claims.set_index("claim")
display(
    headline(
        say(
            "flow.headline",
            lang,
            stage=tr(neck["stage"], lang),
            rate=neck["forward_rate"],
            give_less=-100 * cl.loc["giveaway users retain less", "effect"],
            age=claim_age_months,
            give_verdict=tr(cl.loc["giveaway users retain less", "verdict"], lang),
            screened=100 * cl.loc["screened in 1:1 retain better", "effect"],
            screen_verdict=tr(cl.loc["screened in 1:1 retain better", "verdict"], lang),
        )
    )
)

# %% [markdown]
# ## 4. Referral (老带新) and KOC candidates
# K-factor per month = referred contacts who joined in the month ÷ contacts who had joined
# before it; a K of 1 would mean every user brings one new user a month.

# %%
per = co.referral_by_period(
    contacts,
    events,
    orders,
    periods=flow.monthly_snapshots(snapshot_start, snapshot_end, tz=tables.tz),
)
save_table(per, "referral_by_month")
kf = co.k_factor(contacts, events)
fig, ax = plt.subplots(figsize=(10, 4))
pf.plot_k_factor(per, ax=ax, title="Referral K-factor per month (95% CI)", lang=lang)
plt.show()

# %%
display(
    tr_frame(
        per.drop(columns=["period"]).assign(month=per["period"].dt.strftime("%Y-%m")).tail(6), lang
    )
)
display(
    Markdown(
        say(
            "flow.reading",
            lang,
            text=say(
                "flow.referral",
                lang,
                referred=kf["referred"],
                contacts=kf["contacts"],
                k=kf["k_factor"],
                invitations=kf["invitations"],
                conversion=kf["invite_conversion"],
                k_min=per["k_factor"].min(),
                k_max=per["k_factor"].max(),
            ),
        )
    )
)

# %% [markdown]
# KOC (key opinion consumer) candidates: users high on social and content value who also
# brought in contacts who bought. Ids are keyed pseudonyms (HMAC-SHA256; the key comes from
# `ANALYSIS_PSEUDONYM_KEY`, or from a key file created once on this machine, and is never
# shown), so the same user keeps the same pseudonym across runs with the same key.

# %%
koc = co.koc_candidates(contacts, orders, evidence, top_n=koc_top_n)
tr_frame(koc, lang)

# %% [markdown]
# ## 5. Check against the simulator's truth (simulated data only)
# The simulator knows who was screened, who is a coupon hunter, each channel's effect on the
# hazard of leaving, and the realised K-factor. A Cox model with the channel alone recovers
# the channel's *marginal* effect (including the coupon hunters and the latent values it
# brings), so it is compared with both the marginal and the structural truth.

# %%
if has_truth:
    tu = truth_users.set_index("user_id")
    screening = co.screening_groups(
        contacts, events, min_days=screen_min_days, landmark_days=landmark_days
    )
    display(
        tr_frame(co.agreement(screening.astype(str), tu["screened"].rename("truly screened")), lang)
    )
    hr = co.hazard_ratios(
        contacts, events, orders, observation_end=snapshot_end, reference="partner"
    )
    true_eff = checks.truth_channel_effects(
        truth_users, contacts, truth_params, reference="partner"
    )
    comp = save_table(hr.merge(true_eff, on="channel"), "channel_effects_vs_truth")
    display(tr_frame(comp, lang))
    fig, ax = plt.subplots(figsize=(7, 6))
    pf.plot_effects_vs_truth(
        comp,
        ax=ax,
        title="Recovered vs true channel effects on leaving (reference: partner)",
        lang=lang,
    )
    plt.show()

# %% [markdown]
# Points near the diagonal (for the marginal truth) mean the channel effects are recovered;
# the structural truth differs by what each channel brings along (coupon hunters, values).

# %%
if has_truth:
    inside = (comp["lo"] <= comp["log_hr_marginal_true"]) & (
        comp["log_hr_marginal_true"] <= comp["hi"]
    )
    rank_ok = comp["log_hr"].rank().equals(comp["log_hr_marginal_true"].rank())
    give = co.giveaway_flag(contacts, channels=giveaway_channels, hooks=giveaway_hooks)
    hunters = tu["coupon_hunter"].reindex(give.index)
    display(
        Markdown(
            say(
                "flow.reading",
                lang,
                text=say(
                    "flow.truth",
                    lang,
                    k=kf["k_factor"],
                    k_true=truth_params["referrals"]["k_factor_realised"],
                    inside=int(inside.sum()),
                    n=len(comp),
                    order=say("flow.same_as" if rank_ok else "flow.different_from", lang),
                    hunters_give=hunters[give].mean(),
                    hunters_other=hunters[~give].mean(),
                    gamma_hunter=truth_params["churn"]["gamma_coupon_hunter"],
                    gamma_screened=truth_params["churn"]["gamma_screened"],
                    verdicts=CLAUSE_SEP[lang].join(
                        say(
                            "flow.claim_verdict",
                            lang,
                            claim=tr(r.claim, lang),
                            verdict=tr(r.verdict, lang),
                        )
                        for r in claims.itertuples()
                    ),
                ),
            )
        )
    )
else:
    display(Markdown(say("flow.no_truth", lang)))
