# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# requires: touches

# %% [markdown]
# # What the brand does to its users: touches

# %% tags=["parameters"]
data_dir = "data/sample-touches"  # folder with contacts / events / orders / touches
truth_dir = "data/sample-touches/truth"  # the simulator's truth ("" on real data)
vocabulary = None  # path to a vocabulary YAML, or None for the default
start = "2025-01-01"  # first day of the contact-day panel
observation_end = "2026-01-01"  # end of the data (exclusive)
window_days = 3  # promo dose: promo touches in the window_days days before a day
flood_threshold = 5  # brand messages a day from which a group day is a flood
max_dose = 4  # the dose-response pools doses from max_dose up
response_hours = 48  # a touch is answered by a read, click or message within this many hours
content_by = "content_type"  # compare responses by "content_type" or "kind"
alpha = 0.05  # Benjamini–Hochberg false-discovery rate across content types
care_trigger_days = 25  # care is due this many days after an order
care_match_hours = 24  # a care touch within this many hours of the trigger counts
silent_days = 30  # silent: wrote nothing to the brand in this many days after the trigger
trust_window_days = 14  # selling before trust: promo counted in a contact's first days ...
trust_k = 3  # ... "sold to early" from this many promo touches in them
trust_horizon_days = 90  # departures and first purchases counted in the days after
n_boot = 200  # bootstrap replicates for the selling-before-trust intervals
random_state = 0  # seed of the bootstrap
lang = "en"  # "en" or "zh"

# %%
from analysis.reports.summary import answer_placeholder

answer = answer_placeholder(lang)  # filled with the computed answer in the last cell

# %% [markdown]
# The other reports measure what users do. This one reads what the brand sends them — group
# messages, 1:1 messages, Moments posts, from the optional `touches` table
# (`docs/touches.md`) — and tests the source essay's claims about it: hard selling before
# trust drives users away (promo fatigue, with a dose-response), groups flooded with brand
# messages lose members, some content is answered more than other content, and care based on
# data keeps users from going silent.
#
# Every estimate is **observational** on real data: who got which touch was the brand's
# choice. On the simulator (`python -m analysis simulate --world touches`) the touches are
# assigned at random and their effects are known, and the last section checks the estimates
# against that truth.

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis.aggregate.touches import (
    care_triggers,
    departure_panel,
    early_promo_frame,
    group_brand_share,
    touch_responses,
    weekly_volume,
)
from analysis.i18n import say, tr, tr_frame
from analysis.plots.base import use_cjk_font
from analysis.plots.touches import plot_weekly_volume
from analysis.reports import headline, report_inputs, report_parameters, save_table
from analysis.reports.provenance import provenance
from analysis.simulate.checks import touch_effects_vs_truth
from analysis.studies import touches as st
from analysis.studies.touches_trust import selling_before_trust

use_cjk_font()  # content types are Chinese words in either language
inputs = report_inputs(data_dir, vocabulary=vocabulary, truth_dir=truth_dir, lang=lang)
tables = inputs.tables
touches = st.require_touches(tables, lang=lang)  # stops here, saying why, without touches
contacts, events, orders = tables.contacts, tables.events, tables.orders

# %% [markdown]
# ## Volume and mix
# Recipient touches (a group message counts once per member reached) by channel and kind, and
# per contact on the books each week. Touches the rule table could not classify are counted,
# not guessed (see the ledger in the data-overview report).

# %%
mix = st.touch_mix(touches)
save_table(mix.table, "mix")
display(Markdown(mix.reading(lang)))
tr_frame(mix.table, lang)

# %%
volume = weekly_volume(touches, contacts, events, by="kind").replace({"kind": st.KIND_LABELS})
save_table(volume, "weekly_volume")
plot_weekly_volume(volume, by="kind", lang=lang)
plt.show()

# %% [markdown]
# ### The brand's share of group messages (刷屏)

# %%
groups = st.group_health(group_brand_share(touches, events))
save_table(groups.table, "groups")
display(Markdown(groups.reading(lang)))
tr_frame(groups.table, lang)

# %% [markdown]
# ## Fatigue: promo before the first purchase, and floods
# A discrete-time hazard on every contact-day at risk (from the day after joining to the first
# group quit or deletion): the daily probability of departing, linear in the promo touches of
# the `window_days` days before (counted before the first purchase only) and in whether the
# user's group was flooded that day or the day before, adjusted for group membership and
# purchase status. Coefficients are excess departures per contact a day.

# %%
panel = departure_panel(
    contacts,
    events,
    orders,
    touches,
    start=start,
    end=observation_end,
    window_days=window_days,
    flood_threshold=flood_threshold,
)
fatigue = st.fatigue_hazard(panel)
save_table(fatigue.table, "fatigue")
display(Markdown(fatigue.reading(lang)))
tr_frame(fatigue.table, lang, headers={"p_value": "p_value"})

# %%
dose = st.dose_response(panel, max_dose=max_dose)
save_table(dose.table, "dose_response")
display(Markdown(dose.reading(lang)))
dose.plot(lang=lang)
plt.show()

# %% [markdown]
# ## Content menu: what gets answered
# Response (a read, click or message within `response_hours`) to group messages by content
# type: in a group every type reaches the same members, so the comparison is fair between
# types. Intervals are robust to one user answering several touches with one read.

# %%
responses = touch_responses(touches, events, hours=response_hours)
content = st.content_response(responses, by=content_by, alpha=alpha)
save_table(content.table, "content_response")
display(Markdown(content.reading(lang)))
content.plot(lang=lang)
plt.show()

# %% [markdown]
# ## Care based on data
# Each order makes a user due for care `care_trigger_days` later ("您上次买的XX快用完了吧").
# Users who got a care touch then are compared with eligible users who did not: silence (no
# message to the brand in `silent_days`) and repurchase in the same days.

# %%
triggers = care_triggers(
    orders,
    touches,
    events,
    end=observation_end,
    trigger_days=care_trigger_days,
    silent_days=silent_days,
    match_hours=care_match_hours,
)
care = st.care_effect(triggers, silent_days=silent_days)
save_table(care.table, "care")
display(Markdown(care.reading(lang)))
tr_frame(care.table, lang)

# %% [markdown]
# ## Selling before trust
# Contacts still there, with no purchase, `trust_window_days` after joining: those who got
# `trust_k` or more promo touches in those days against the others, weighted by the inverse
# of their propensity (channel, hook, join month, group, early engagement), then departures
# and first purchases in the next `trust_horizon_days`. Balance before and after weighting,
# the E-value and a negative-control outcome say how far to trust it.

# %%
early = early_promo_frame(
    contacts,
    events,
    orders,
    touches,
    end=observation_end,
    window_days=trust_window_days,
    horizon_days=trust_horizon_days,
)
trust = selling_before_trust(early, k=trust_k, n_boot=n_boot, random_state=random_state)
save_table(trust.table, "selling_before_trust")
save_table(trust.balance, "selling_before_trust_balance")
display(Markdown(trust.reading(lang)))
display(tr_frame(trust.table, lang))
tr_frame(trust.balance, lang)

# %%
display(Markdown(say("touch.observational", lang)))
promo = fatigue.row("dose")
headline(
    say(
        "touch.headline",
        lang,
        est=1000 * promo["estimate"],
        lo=1000 * promo["lo"],
        hi=1000 * promo["hi"],
    )
)

# %%
from analysis.reports.summary import show_answer, touches_bullets

show_answer(
    answer,
    touches_bullets(fatigue.table, care.table, flood_threshold=flood_threshold, lang=lang),
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
            pp.observed_step(
                contacts, days=trust_window_days + trust_horizon_days, end=observation_end
            ),
            pp.step("early", early["user_id"], days=trust_window_days),
        ],
        lang=lang,
        caption=say("common.population.for_trust", lang),
    )
)

# %% [markdown]
# ### Against the simulator's truth
# Only on simulated data (skipped on real data).

# %%
if inputs.has_truth and "touches" in inputs.truth_params:
    check = touch_effects_vs_truth(fatigue, care, inputs.truth_params)
    save_table(check, "truth_check")
    display(Markdown(say("touch.truth", lang, inside=int(check["inside"].sum()), n=len(check))))
    if lang != "en":  # inside the interval: 是 / 否
        check = check.assign(
            inside=check["inside"].map({True: tr("yes", lang), False: tr("no", lang)})
        )
    display(tr_frame(check, lang))

# %% [markdown]
# ### Provenance

# %%
provenance(
    report_parameters(globals(), notebook="notebooks/touches.py"),
    [*tables.files.values(), *inputs.truth_files],
)
