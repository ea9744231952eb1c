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
# # Segments and the user flow: who the users are, how they move through the nine stages, which channels bring users who stay
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

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis import cohorts as co
from analysis import flow
from analysis import plots_flow as pf
from analysis import segments as sg
from analysis.aggregate.labels import retention_labels
from analysis.aggregate.values import value_evidence
from analysis.simulate import read_truth
from analysis.io import load_tables
from analysis.paths import resolve
from analysis.provenance import provenance
from analysis.reports import headline, save_table
from analysis.scores import FiveValueScorer

tables = load_tables(resolve(data_dir), vocabulary=vocabulary)
contacts, events, orders = tables.contacts, tables.events, tables.orders
has_truth = bool(truth_dir) and (resolve(truth_dir) / "users.csv.gz").is_file()
truth_users, truth_params, truth_files = (read_truth(resolve(truth_dir)) if has_truth
                                          else (None, None, []))

# %% [markdown]
# ## Provenance

# %%
params = dict(data_dir=data_dir, truth_dir=truth_dir, vocabulary=vocabulary,
              snapshot_start=snapshot_start, snapshot_end=snapshot_end,
              snapshot_freq=snapshot_freq, lookback_days=lookback_days, silent_days=silent_days,
              lost_days=lost_days, repeat_min_orders=repeat_min_orders, as_of=as_of,
              horizon_days=horizon_days, value_lookback_days=value_lookback_days,
              value_weights=value_weights, rfm_bins=rfm_bins, tier_cuts=tier_cuts,
              persona_k=persona_k, persona_criterion=persona_criterion,
              random_state=random_state, cohort_start=cohort_start, cohort_end=cohort_end,
              cohort_horizon_days=cohort_horizon_days, claim_age_months=claim_age_months,
              spend_days=spend_days, giveaway_channels=giveaway_channels,
              giveaway_hooks=giveaway_hooks, screen_min_days=screen_min_days,
              landmark_days=landmark_days, n_boot=n_boot, koc_top_n=koc_top_n)
provenance(params, [*tables.files.values(), *truth_files])

# %% [markdown]
# ## The stage ladder
# One configuration holds the stages, their Chinese names and the evidence that places a user
# on each. A user sits at the highest stage with evidence in the look-back window, so stages
# go down as well as up; silent and lost sit off the ladder.

# %%
ladder = flow.Ladder(lookback_days=lookback_days, silent_days=silent_days, lost_days=lost_days,
                     repeat_min_orders=repeat_min_orders, vocabulary=tables.vocabulary)
ladder.table()

# %% [markdown]
# ## 1. Who the users are (as of the segment cut-off)
# The population: contacts who joined before the cut-off and had not deleted the brand; the
# retention label is "active in the next `horizon_days`". Spend is net spend before the
# cut-off (all history).

# %%
labels = retention_labels(contacts, events, orders, cutoff=as_of, horizon_days=horizon_days)
pop = pd.Index(labels["user_id"], name="user_id")
retained = labels.set_index("user_id")["retained"]
rfm = sg.rfm_table(orders, as_of=as_of, users=pop.to_series())
rfm_seg = sg.rfm_segments(sg.rfm_scores(rfm, bins=rfm_bins), bins=rfm_bins)
seg_sum = save_table(sg.group_summary(rfm_seg["segment"], retained=retained,
                                      spend=rfm["monetary"]), "rfm_segments")
display(sg.rfm_segment_rules())
seg_sum

# %% [markdown]
# The chart shows how large each RFM segment is and how many of its users are still active
# in the following window; read the bars against the dots to see which large segments keep
# their users.

# %%
fig, ax = plt.subplots(figsize=(10, 4))
pf.plot_persona_bars(seg_sum.assign(name=seg_sum.index.astype(str)).reset_index(drop=True),
                     ax=ax, title=f"Retention in the {horizon_days} days after {as_of} by RFM segment",
                     ylabel="share retained (95% CI)")
plt.show()

# %%
buyers = seg_sum.drop(index="no_purchase")
largest = buyers["users"].idxmax()
best, worst = buyers["retention"].idxmax(), buyers["retention"].idxmin()
display(Markdown(
    f"**Reading.** {int(seg_sum['users'].sum()):,} users are in the population at {as_of}; "
    f"{seg_sum.loc['no_purchase', 'share']:.0%} have not bought yet. Among buyers the largest "
    f"RFM segment is *{largest}* ({buyers.loc[largest, 'share']:.0%} of all users). Retention is "
    f"highest for *{best}* ({buyers.loc[best, 'retention']:.0%}, 95% CI "
    f"{buyers.loc[best, 'retention_lo']:.0%}–{buyers.loc[best, 'retention_hi']:.0%}) and lowest "
    f"for *{worst}* ({buyers.loc[worst, 'retention']:.0%}, "
    f"{buyers.loc[worst, 'retention_lo']:.0%}–{buyers.loc[worst, 'retention_hi']:.0%})."))

# %% [markdown]
# ### Value tiers by the five-value index
# The five values are normalised (percentile in the population) and weighted with the
# chosen preset; users who are silent or lost in the flow at the cut-off form the silent tier.

# %%
evidence = value_evidence(events, orders, as_of=as_of, lookback_days=value_lookback_days,
                          users=pop.to_series())
scorer = FiveValueScorer(weights=value_weights).fit(evidence)
scores = scorer.transform(evidence)
state_at = flow.assign_stages(contacts, events, orders, snapshots=[as_of], ladder=ladder)
state_at = state_at.iloc[:, 0].reindex(pop)
off = [ladder.states.index("silent"), ladder.states.index("lost")]
tiers = sg.value_tiers(scores["index"], silent=state_at.isin(off), cuts=tier_cuts)
tier_sum = save_table(sg.group_summary(tiers["tier"], retained=retained, spend=rfm["monetary"]),
                      "value_tiers")
tier_sum.assign(zh=[sg.TIERS[t] for t in tier_sum.index])

# %% [markdown]
# Retention by tier: if the index carries information about staying, the bars should rise
# from ordinary to core VIP (silent users are shown for contrast).

# %%
fig, ax = plt.subplots(figsize=(8, 4))
pf.plot_persona_bars(tier_sum.assign(name=tier_sum.index.astype(str)).reset_index(drop=True),
                     ax=ax, title=f"Retention in the {horizon_days} days after {as_of} by value tier",
                     ylabel="share retained (95% CI)")
plt.show()

# %%
top_t, ord_t = tier_sum.loc["core_vip"], tier_sum.loc["ordinary"]
display(Markdown(
    f"**Reading.** Core VIPs ({int(top_t['users']):,} users) retain at "
    f"{top_t['retention']:.0%} ({top_t['retention_lo']:.0%}–{top_t['retention_hi']:.0%}) against "
    f"{ord_t['retention']:.0%} ({ord_t['retention_lo']:.0%}–{ord_t['retention_hi']:.0%}) for "
    f"ordinary users, and spent {top_t['mean_spend']:,.0f} vs {ord_t['mean_spend']:,.0f} CNY on "
    f"average before the cut-off. The silent tier holds {tier_sum.loc['silent', 'share']:.0%} of "
    f"the population and retains at {tier_sum.loc['silent', 'retention']:.0%}. Whether the index "
    "predicts better than spend alone is the question of the value-index report."))

# %% [markdown]
# ### Five-value personas
# k-means on the standardised (log) five values; the number of personas is chosen by the
# criterion below, and persona 1 is always the largest.

# %%
personas = sg.FiveValuePersonas(k=persona_k, criterion=persona_criterion,
                                random_state=random_state).fit(evidence)
display(personas.selection_)
lab = personas.predict(evidence)
profile = save_table(sg.persona_profile(evidence, lab, names=personas.names_, retained=retained,
                                        spend=rfm["monetary"]), "personas")
profile

# %% [markdown]
# The heatmap says what makes each persona distinct (red = above the average user on that
# value, blue = below); the bars beside it give each persona's size and retention.

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
pf.plot_persona_centroids(personas.summary, ax=axes[0])
pf.plot_persona_bars(profile, ax=axes[1], title="Retention by persona",
                     ylabel="share retained (95% CI)")
plt.tight_layout()
plt.show()

# %%
p_best, p_worst = profile["retention"].idxmax(), profile["retention"].idxmin()
display(Markdown(
    f"**Reading.** {personas.k_} personas ({persona_criterion} criterion). The largest is "
    f"*{profile.loc[0, 'name']}* ({profile.loc[0, 'share']:.0%}). Retention ranges from "
    f"{profile.loc[p_worst, 'retention']:.0%} (*{profile.loc[p_worst, 'name']}*) to "
    f"{profile.loc[p_best, 'retention']:.0%} (*{profile.loc[p_best, 'name']}*); mean spend from "
    f"{profile['mean_spend'].min():,.0f} to {profile['mean_spend'].max():,.0f} CNY."))

# %% [markdown]
# ## 2. The flow: how users move through the stages

# %%
snaps = flow.monthly_snapshots(snapshot_start, snapshot_end, freq=snapshot_freq, tz=tables.tz)
codes = flow.assign_stages(contacts, events, orders, snapshots=snaps, ladder=ladder)
sizes = save_table(flow.stage_sizes(codes, ladder=ladder), "stage_sizes")
counts = save_table(flow.transitions(codes, ladder=ladder), "transitions")
rates = flow.transition_rates(counts)
conv = save_table(flow.forward_conversion(codes, ladder=ladder), "forward_conversion")
neck = flow.bottleneck(conv)
tis = save_table(flow.time_in_stage(codes, ladder=ladder), "time_in_stage")
sizes.tail(3)

# %% [markdown]
# How the population splits across the states at each snapshot: the ladder stages grow with
# the contact base while the silent and lost layers show how much of it no longer moves.

# %%
fig, ax = plt.subplots(figsize=(11, 4.5))
pf.plot_stage_sizes(sizes, ax=ax, title="Users in each state at each monthly snapshot")
plt.tight_layout()
plt.show()

# %%
last = sizes.iloc[-1]
display(Markdown(
    f"**Reading.** At the last snapshot ({sizes.index[-1]:%Y-%m-%d}) {int(last.sum()):,} users are "
    f"in the population: {last['lost'] / last.sum():.0%} lost, {last['silent'] / last.sum():.0%} "
    f"silent, and the largest ladder stage is *{last[list(ladder.stages)].idxmax()}* "
    f"({last[list(ladder.stages)].max() / last.sum():.0%})."))

# %% [markdown]
# The alluvial chart follows the same users across four snapshots: each band is a group of
# users moving from one state (left) to another (right), coloured by where they came from.

# %%
fig, ax = plt.subplots(figsize=(12, 6))
pf.plot_alluvial(codes, states=ladder.states, ax=ax,
                 title="How users flow between stages (selected snapshots)")
plt.tight_layout()
plt.show()

# %% [markdown]
# The transition heatmap gives the exact shares, pooled over all pairs of consecutive
# snapshots: read a row to see where the users of that state are one snapshot later.

# %%
fig, ax = plt.subplots(figsize=(11, 8))
pf.plot_transition_heatmap(rates, counts=counts, ax=ax,
                           title="Transition shares between consecutive monthly snapshots")
plt.tight_layout()
plt.show()

# %%
stay_lost = rates.loc["lost", "lost"]
display(Markdown(
    f"**Reading.** {rates.loc['silent', 'lost']:.0%} of silent users are lost one snapshot "
    f"later and {1 - rates.loc['silent', ['silent', 'lost']].sum():.0%} come back onto the "
    f"ladder; {stay_lost:.0%} of lost users stay lost. Of new users, "
    f"{rates.loc[flow.NEW, 'lost']:.0%} are already lost at their first snapshot."))

# %% [markdown]
# Forward conversion: of the users at a stage, the share at a higher stage one snapshot
# later. The red bar is the bottleneck — the weakest forward step from `access` upwards.

# %%
fig, ax = plt.subplots(figsize=(10, 4))
pf.plot_forward_conversion(conv, bottleneck=neck["stage"], ax=ax)
plt.show()

# %%
display(tis)
display(Markdown(
    f"**Reading.** The bottleneck is *{neck['stage']}* ({neck['zh']}): only "
    f"{neck['forward_rate']:.1%} (95% CI {neck['lo']:.1%}–{neck['hi']:.1%}) of its "
    f"{int(neck['n']):,} user-months move up, while {neck['stay_rate']:.0%} stay. Completed "
    f"spells at that stage last {tis.set_index('state').loc[neck['stage'], 'mean_days_completed']:.0f} "
    f"days on average (snapshot resolution: one month)."))

# %% [markdown]
# ## 3. Which channels and hooks bring users who stay
# A user counts as active in a month when they interact or buy in the 30 days from the
# month's start; hard-churned users count as inactive. Cohorts are join months.

# %%
cutoffs = flow.monthly_snapshots(cohort_start, cohort_end, tz=tables.tz)
activity = co.cohort_activity(contacts, events, orders, cutoffs=cutoffs,
                              horizon_days=cohort_horizon_days)
fig, ax = plt.subplots(figsize=(11, 6))
pf.plot_cohort_heatmap(co.cohort_table(activity), ax=ax)
plt.tight_layout()
plt.show()

# %% [markdown]
# Read each row left to right: how a join cohort thins out month by month. Rows that fade
# faster are worse cohorts. The curves below pool cohorts by channel and by hook (bands:
# 95% Wilson intervals).

# %%
by_channel = save_table(co.retention_curves(activity, by="channel", min_n=50),
                        "retention_by_channel")
by_hook = save_table(co.retention_curves(activity, by="hook", min_n=50), "retention_by_hook")
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5), sharey=True)
pf.plot_retention_curves(by_channel, by="channel", ax=axes[0], title="Retention by channel")
pf.plot_retention_curves(by_hook, by="hook", ax=axes[1], title="Retention by hook")
plt.tight_layout()
plt.show()

# %%
at = by_channel.loc[by_channel["age_months"] == claim_age_months].set_index("channel")
at_h = by_hook.loc[by_hook["age_months"] == claim_age_months].set_index("hook")
display(Markdown(
    f"**Reading.** {claim_age_months} months after joining, *{at['rate'].idxmax()}* users are the "
    f"most active ({at['rate'].max():.0%}, {at.loc[at['rate'].idxmax(), 'lo']:.0%}–"
    f"{at.loc[at['rate'].idxmax(), 'hi']:.0%}) and *{at['rate'].idxmin()}* users the least "
    f"({at['rate'].min():.0%}, {at.loc[at['rate'].idxmin(), 'lo']:.0%}–"
    f"{at.loc[at['rate'].idxmin(), 'hi']:.0%}). By hook, *{at_h['rate'].idxmax()}* leads "
    f"({at_h['rate'].max():.0%}) and *{at_h['rate'].idxmin()}* trails ({at_h['rate'].min():.0%})."))

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
claims = co.essay_claims(contacts, events, orders, activity=activity,
                         observation_end=snapshot_end, age_months=claim_age_months,
                         spend_days=spend_days, giveaway_channels=giveaway_channels,
                         giveaway_hooks=giveaway_hooks, screen_min_days=screen_min_days,
                         landmark_days=landmark_days, n_boot=n_boot, random_state=random_state)
save_table(claims, "essay_claims")

# %% [markdown]
# The effects with their 95% intervals; an interval that does not cross the dashed zero line
# is a clear difference in that direction.

# %%
ret_rows = claims.loc[claims["metric"].str.startswith("retained")]
spend_rows = claims.loc[~claims["metric"].str.startswith("retained")]
fig, axes = plt.subplots(1, 2, figsize=(14, 3.5))
pf.plot_effects(ret_rows, scale=100, unit="difference in retention (percentage points, a − b)",
                ax=axes[0], title="Retention: group a minus group b")
pf.plot_effects(spend_rows, unit=f"difference in mean net spend, first {spend_days} days (CNY)",
                ax=axes[1], title="Spend: giveaway minus others")
plt.tight_layout()
plt.show()

# %%
readings = [
    f"- *{r.claim}* — {r.group_a} {r.value_a:,.3g} (n={r.n_a:,}) vs {r.group_b} {r.value_b:,.3g} "
    f"(n={r.n_b:,}) on {r.metric}: difference {r.effect:+,.3g} (95% CI {r.lo:+,.3g} to "
    f"{r.hi:+,.3g}); the claim is **{r.verdict}** on these data."
    for r in claims.itertuples()]
display(Markdown("**Reading.**\n\n" + "\n".join(readings)))
cl = claims.set_index("claim")
display(headline(
    f"The weakest forward step of the flow is {neck['stage']} ({neck['forward_rate']:.1%} move up "
    f"per month); giveaway-event users retain "
    f"{-cl.loc['giveaway users retain less', 'effect']:.0%} points less at month "
    f"{claim_age_months} ({cl.loc['giveaway users retain less', 'verdict']}), 1:1-screened users "
    f"{cl.loc['screened in 1:1 retain better', 'effect']:+.0%} points "
    f"({cl.loc['screened in 1:1 retain better', 'verdict']})."))

# %% [markdown]
# ## 4. Referral (老带新) and KOC candidates
# K-factor per month = referred contacts who joined in the month ÷ contacts who had joined
# before it; a K of 1 would mean every user brings one new user a month.

# %%
per = co.referral_by_period(contacts, events, orders,
                            periods=flow.monthly_snapshots(snapshot_start, snapshot_end,
                                                           tz=tables.tz))
save_table(per, "referral_by_month")
kf = co.k_factor(contacts, events)
fig, ax = plt.subplots(figsize=(10, 4))
pf.plot_k_factor(per, ax=ax, title="Referral K-factor per month (95% CI)")
plt.show()

# %%
display(per.drop(columns=["period"]).assign(month=per["period"].dt.strftime("%Y-%m")).tail(6))
display(Markdown(
    f"**Reading.** Over the whole period {kf['referred']:,} of {kf['contacts']:,} contacts came "
    f"through a referral: a realised K-factor of {kf['k_factor']:.3f}. "
    f"{kf['invitations']:,} invitations were sent, so {kf['invite_conversion']:.0%} of invitations "
    f"became a contact. The monthly K ranged from {per['k_factor'].min():.3f} to "
    f"{per['k_factor'].max():.3f} — far below 1, so referrals add to, but do not replace, "
    "paid acquisition."))

# %% [markdown]
# KOC (key opinion consumer) candidates: users high on social and content value who also
# brought in contacts who bought. Ids are keyed pseudonyms (HMAC-SHA256; the key comes from
# `ANALYSIS_PSEUDONYM_KEY`, or from a key file created once on this machine, and is never
# shown), so the same user keeps the same pseudonym across runs with the same key.

# %%
koc = co.koc_candidates(contacts, orders, evidence, top_n=koc_top_n)
koc

# %% [markdown]
# ## 5. Check against the simulator's truth (simulated data only)
# The simulator knows who was screened, who is a coupon hunter, each channel's effect on the
# hazard of leaving, and the realised K-factor. A Cox model with the channel alone recovers
# the channel's *marginal* effect (including the coupon hunters and the latent values it
# brings), so it is compared with both the marginal and the structural truth.

# %%
if has_truth:
    tu = truth_users.set_index("user_id")
    screening = co.screening_groups(contacts, events, min_days=screen_min_days,
                                    landmark_days=landmark_days)
    display(co.agreement(screening.astype(str), tu["screened"].rename("truly screened")))
    hr = co.hazard_ratios(contacts, events, orders, observation_end=snapshot_end,
                          reference="partner")
    true_eff = co.truth_channel_effects(truth_users, contacts, truth_params, reference="partner")
    comp = save_table(hr.merge(true_eff, on="channel"), "channel_effects_vs_truth")
    display(comp)
    fig, ax = plt.subplots(figsize=(7, 6))
    pf.plot_effects_vs_truth(comp, ax=ax, title="Recovered vs true channel effects on leaving "
                                                "(reference: partner)")
    plt.show()

# %% [markdown]
# Points near the diagonal (for the marginal truth) mean the channel effects are recovered;
# the structural truth differs by what each channel brings along (coupon hunters, values).

# %%
if has_truth:
    inside = ((comp["lo"] <= comp["log_hr_marginal_true"])
              & (comp["log_hr_marginal_true"] <= comp["hi"]))
    rank_ok = comp["log_hr"].rank().equals(comp["log_hr_marginal_true"].rank())
    give = co.giveaway_flag(contacts, channels=giveaway_channels, hooks=giveaway_hooks)
    hunters = tu["coupon_hunter"].reindex(give.index)
    display(Markdown(
        f"**Reading.** The K-factor from the data is {kf['k_factor']:.4f}; the simulator's realised "
        f"K is {truth_params['referrals']['k_factor_realised']:.4f}. "
        f"The channel effects' 95% intervals contain the true marginal effect for "
        f"{int(inside.sum())} of {len(comp)} channels, and the order of the channels is "
        f"{'the same as' if rank_ok else 'different from'} the truth's. "
        f"Coupon hunters are {hunters[give].mean():.0%} of giveaway users vs "
        f"{hunters[~give].mean():.0%} of the others (true hunter effect on the log hazard: "
        f"{truth_params['churn']['gamma_coupon_hunter']:+.2f}); the true effect of screening is "
        f"{truth_params['churn']['gamma_screened']:+.2f} on the log hazard; the data's verdicts on "
        f"the claims are: " + "; ".join(f"{r.claim} — {r.verdict}" for r in claims.itertuples())
        + "."))
else:
    display(Markdown("No simulator truth: this section applies to simulated data only."))
