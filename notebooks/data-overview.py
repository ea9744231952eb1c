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
#
# This report describes the three canonical tables (contacts, events, orders) before any
# modelling: how much data there is, over which dates, where the contacts came from, what
# they did over time, what they bought — and, first of all, what the loader had to check,
# repair or drop on the way in (the row ledger). Every later report reads the same tables.

# %% tags=["parameters"]
data_dir = "data/sample"  # folder with contacts / events / orders (CSV or Parquet)
vocabulary = None  # path to a vocabulary YAML, or None for the default (or data_dir/vocabulary.yaml)
observed_until = None  # e.g. "2026-07-01": rows after it are dropped (and counted)
freq = "M"  # period for the time series: D, W, M or Q

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis.aggregate.activity import (counts_by_period, mix, orders_by_period,
                                         table_summary)
from analysis.io import load_tables
from analysis.overview import plot_events, plot_joins, plot_mix, plot_orders
from analysis.paths import resolve
from analysis.provenance import provenance
from analysis.reports import headline, save_table

tables = load_tables(resolve(data_dir), vocabulary=vocabulary, observed_until=observed_until)
contacts, events, orders = tables.contacts, tables.events, tables.orders

# %% [markdown]
# ## Provenance
# The code version, the parameters and a SHA-256 of every input file: a reviewer who gets
# the same hashes and parameters must get the same numbers.

# %%
provenance({"data_dir": data_dir, "vocabulary": vocabulary, "observed_until": observed_until,
            "freq": freq}, tables.files.values())

# %% [markdown]
# ## The row ledger
# Every cleaning step with the rows that came in, were kept, dropped or repaired, and why.
# Nothing is dropped without a line here; `final` is what every analysis reads.

# %%
ledger = save_table(tables.ledger, "ledger")
display(ledger)
dropped = int(ledger.loc[ledger["step"] != "final", "dropped"].sum())
repaired = int(ledger["repaired"].sum())
read = ledger.loc[ledger["step"] == "read"].set_index("table")["rows_in"]
Markdown(f"The loader read {read.sum():,} rows in three tables; it dropped {dropped:,} and "
         f"repaired {repaired:,} (see the steps above).")

# %% [markdown]
# ## How much data, over which dates

# %%
summary = save_table(table_summary(contacts, events, orders), "table_summary")
display(summary)
span_days = (summary["last"].max() - summary["first"].min()).days
display(headline(f"{len(contacts):,} contacts, {len(events):,} events and {len(orders):,} "
                 f"orders from {summary['first'].min():%Y-%m-%d} to "
                 f"{summary['last'].max():%Y-%m-%d}; the loader dropped {dropped:,} rows."))
Markdown(f"{len(contacts):,} contacts, {len(events):,} events and {len(orders):,} orders, "
         f"spanning {span_days:,} days from {summary['first'].min():%Y-%m-%d} to "
         f"{summary['last'].max():%Y-%m-%d}; {summary.loc[1, 'users']:,} contacts have at least one "
         f"event and {summary.loc[2, 'users']:,} at least one order.")

# %% [markdown]
# ## Where contacts come from: channels and hooks
# Read the heatmap row by row: which hooks (钩子) each acquisition channel relies on.

# %%
channel_hook = save_table(mix(contacts, rows="channel", cols="hook"), "channel_hook_mix")
ax = plot_mix(channel_hook)
plt.show()
by_channel = channel_hook.groupby("channel")["contacts"].sum().sort_values(ascending=False)
Markdown(f"The largest channel is **{by_channel.index[0]}** with {by_channel.iloc[0]:,} contacts "
         f"({by_channel.iloc[0] / by_channel.sum():.0%}); the smallest is "
         f"**{by_channel.index[-1]}** ({by_channel.iloc[-1] / by_channel.sum():.0%}).")

# %% [markdown]
# New contacts over time, stacked by channel: is acquisition growing, and from where?

# %%
joins = save_table(counts_by_period(contacts, time_col="joined_at", by="channel", freq=freq),
                   "joins_by_channel")
plot_joins(joins)
plt.show()
per_period = joins.groupby("period")["rows"].sum()
Markdown(f"New contacts per period went from {per_period.iloc[0]:,} in the first period to "
         f"{per_period.iloc[-1]:,} in the last (peak {per_period.max():,} in "
         f"{per_period.idxmax():%Y-%m}).")

# %% [markdown]
# ## What contacts do: events per type over time
# The event vocabulary maps each type to one of the five values and to a stage of the flow
# ladder:

# %%
vocab_table = tables.vocabulary.table()
counts = events["event_type"].value_counts().rename("events")
vocab_table = vocab_table.merge(counts, left_on="event_type", right_index=True, how="left")
vocab_table["events"] = vocab_table["events"].fillna(0).astype(int)
display(vocab_table[["event_type", "value", "value_zh", "stage", "stage_zh", "events",
                     "meaning"]])

# %%
events_tidy = save_table(counts_by_period(events, time_col="occurred_at", by="event_type",
                                          freq=freq), "events_by_type")
plot_events(events_tidy, top=8)
plt.show()
value_events = vocab_table.dropna(subset=["value"]).groupby("value")["events"].sum()
Markdown("Events that evidence the five values (besides purchases): " + ", ".join(
    f"{v} {n:,}" for v, n in value_events.sort_values(ascending=False).items()) + ".")

# %% [markdown]
# ## What contacts buy: orders and revenue over time
# Bars are net revenue (after refunds) with refunds stacked on top; the line is the number of
# orders.

# %%
orders_tidy = save_table(orders_by_period(orders, freq=freq), "orders_by_period")
plot_orders(orders_tidy)
plt.show()
totals = orders_tidy[["orders", "gross", "refunded", "net", "refunded_orders"]].sum()
buyers = orders["user_id"].nunique()
Markdown(f"{int(totals['orders']):,} orders from {buyers:,} buyers "
         f"({buyers / len(contacts):.0%} of contacts); gross revenue {totals['gross']:,.0f} CNY, "
         f"refunds {totals['refunded']:,.0f} CNY ({totals['refunded'] / totals['gross']:.1%} of gross, "
         f"{int(totals['refunded_orders']):,} orders), net {totals['net']:,.0f} CNY.")
