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
# # Data overview: who is in the private domain, what they do, what they buy

# %% tags=["parameters"]
data_dir = "data/sample"  # folder with contacts / events / orders (CSV or Parquet)
vocabulary = (
    None  # path to a vocabulary YAML, or None for the default (or data_dir/vocabulary.yaml)
)
observed_until = None  # e.g. "2026-07-01": rows after it are dropped (and counted)
freq = "M"  # period for the time series: D, W, M or Q
currency = "CNY"  # the currency of the orders' amounts (shown with every amount)
lang = "en"  # "en" or "zh": the language of labels, tables and readings
# where the scans of events and orders run: "auto" (DuckDB on a prepared store, else pandas),
# "pandas", "duckdb" or "spark" (from disk)
engine = "auto"

# %%
from analysis.reports.summary import answer_placeholder

answer = answer_placeholder(lang)  # filled with the computed answer in the last cell

# %% [markdown]
# This report describes the three canonical tables (contacts, events, orders) before any
# modelling: how much data there is, over which dates, where the contacts came from, what
# they did over time, what they bought — and, first of all, what the loader had to check,
# repair or drop on the way in (the row ledger). Every later report reads the same tables.

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis.aggregate.activity import counts_by_period
from analysis.i18n import tr_frame
from analysis.plots.overview import plot_events
from analysis.reports import (
    headline,
    in_memory,
    ledger_table,
    report_inputs,
    report_parameters,
    save_table,
    shown_table,
)
from analysis.reports.provenance import provenance
from analysis.studies import overview

inputs = report_inputs(
    data_dir, vocabulary=vocabulary, lang=lang, observed_until=observed_until, engine=engine
)
tables = inputs.tables
# the contacts in memory; events and orders are counted where they are (on a prepared store:
# by DuckDB from its Parquet files, and only per-period and per-type counts come back)
contacts, events, orders = in_memory(tables.contacts), tables.events, tables.orders

# %% [markdown]
# ## How much data, over which dates

# %%
ledger = overview.Ledger(save_table(tables.ledger, "ledger"))  # shown in the appendix
summary = overview.table_summary(contacts, events, orders, dropped=ledger.dropped)
display(tr_frame(save_table(summary.table, "table_summary"), lang))
display(headline(summary.headline(lang)))
Markdown(summary.reading(lang))

# %% [markdown]
# ## Where contacts come from: channels and hooks
# Read the heatmap row by row: which hooks (钩子) each acquisition channel relies on.

# %%
channel_hook = overview.contact_mix(contacts, rows="channel", cols="hook")
save_table(channel_hook.table, "channel_hook_mix")
channel_hook.plot(lang=lang)
plt.show()
Markdown(channel_hook.reading(lang))

# %% [markdown]
# New contacts over time, stacked by channel: is acquisition growing, and from where?

# %%
joins = overview.joins_by_period(contacts, by="channel", freq=freq)
save_table(joins.table, "joins_by_channel")
joins.plot(lang=lang)
plt.show()
Markdown(joins.reading(lang))

# %% [markdown]
# ## What contacts do: events per type over time
# The event vocabulary maps each type to one of the five values and to a stage of the flow
# ladder:

# %%
vocab = overview.vocabulary_counts(events, vocabulary=tables.vocabulary)
save_table(vocab.table, "vocabulary_counts")
shown = ["event_type", "value", "stage", "events", "meaning"]
if lang == "en":
    shown = ["event_type", "value", "value_zh", "stage", "stage_zh", "events", "meaning"]
display(
    shown_table(
        tr_frame(
            vocab.table[shown],
            lang,
            value_columns=["value", "stage", "meaning"],
            headers={"events": "event count"},
        ),
        lang,
        code=["event_type"],
    )
)

# %%
events_tidy = save_table(
    counts_by_period(events, time_col="occurred_at", by="event_type", freq=freq), "events_by_type"
)
plot_events(events_tidy, top=8, lang=lang)
plt.show()
Markdown(vocab.reading(lang))

# %% [markdown]
# ## What contacts buy: orders and revenue over time
# Bars are net revenue (after refunds) with refunds stacked on top; the line is the number of
# orders.

# %%
orders_over_time = overview.orders_by_period(orders, contacts=contacts, freq=freq)
save_table(orders_over_time.table, "orders_by_period")
orders_over_time.plot(currency=currency, lang=lang)
plt.show()
Markdown(orders_over_time.reading(lang))

# %%
from analysis.reports.summary import overview_bullets, show_answer

show_answer(
    answer,
    overview_bullets(
        summary.table, channel_hook.table, orders_over_time.table, currency=currency, lang=lang
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
from analysis.aggregate.activity import has_rows
from analysis.reports.population import population, show_population, step

uid = contacts["user_id"]
ordered = has_rows(uid, orders)
show_population(
    population(
        [
            step("contacts", uid),
            step("active", uid[has_rows(uid, events) | ordered]),
            step("ordered", uid[ordered]),
            step("buyers", uid[has_rows(uid, orders, paid=True)]),
        ],
        lang=lang,
    )
)

# %% [markdown]
# ## The row ledger
# Every cleaning step with the rows that came in, were kept, dropped or repaired, and why.
# Nothing is dropped without a line here; `final` is what every analysis reads.

# %%
display(ledger_table(ledger.table, lang))
Markdown(ledger.reading(lang))

# %% [markdown]
# ### Provenance
# The code version, the parameters and a SHA-256 of every input file: a reviewer who gets
# the same hashes and parameters must get the same numbers.

# %%
provenance(
    report_parameters(globals(), notebook="notebooks/data-overview.py"), tables.files.values()
)
