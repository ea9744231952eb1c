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
vocabulary = (
    None  # path to a vocabulary YAML, or None for the default (or data_dir/vocabulary.yaml)
)
observed_until = None  # e.g. "2026-07-01": rows after it are dropped (and counted)
freq = "M"  # period for the time series: D, W, M or Q
lang = "en"  # "en" or "zh": the language of labels, tables and readings

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis.aggregate.activity import counts_by_period, mix, orders_by_period, table_summary
from analysis.data.load import load_tables
from analysis.i18n import say, tr, tr_frame
from analysis.paths import resolve
from analysis.plots.base import use_cjk_font
from analysis.plots.overview import plot_events, plot_joins, plot_mix, plot_orders
from analysis.reports import headline, save_table
from analysis.reports.provenance import provenance

if lang == "zh":
    use_cjk_font()
tables = load_tables(resolve(data_dir), vocabulary=vocabulary, observed_until=observed_until)
contacts, events, orders = tables.contacts, tables.events, tables.orders

# %% [markdown]
# ## Provenance
# The code version, the parameters and a SHA-256 of every input file: a reviewer who gets
# the same hashes and parameters must get the same numbers.

# %%
provenance(
    {
        "data_dir": data_dir,
        "vocabulary": vocabulary,
        "observed_until": observed_until,
        "freq": freq,
        "lang": lang,
    },
    tables.files.values(),
)

# %% [markdown]
# ## The row ledger
# Every cleaning step with the rows that came in, were kept, dropped or repaired, and why.
# Nothing is dropped without a line here; `final` is what every analysis reads.

# %%
ledger = save_table(tables.ledger, "ledger")
display(tr_frame(ledger, lang, value_columns=["table"]))
dropped = int(ledger.loc[ledger["step"] != "final", "dropped"].sum())
repaired = int(ledger["repaired"].sum())
read = int(ledger.loc[ledger["step"] == "read", "rows_in"].sum())
Markdown(say("overview.ledger", lang, read=read, dropped=dropped, repaired=repaired))

# %% [markdown]
# ## How much data, over which dates

# %%
summary = save_table(table_summary(contacts, events, orders), "table_summary")
display(tr_frame(summary, lang))
first, last = f"{summary['first'].min():%Y-%m-%d}", f"{summary['last'].max():%Y-%m-%d}"
display(
    headline(
        say(
            "overview.headline",
            lang,
            contacts=len(contacts),
            events=len(events),
            orders=len(orders),
            first=first,
            last=last,
            dropped=dropped,
        )
    )
)
Markdown(
    say(
        "overview.span",
        lang,
        contacts=len(contacts),
        events=len(events),
        orders=len(orders),
        days=(summary["last"].max() - summary["first"].min()).days,
        first=first,
        last=last,
        with_events=int(summary.loc[1, "users"]),
        with_orders=int(summary.loc[2, "users"]),
    )
)

# %% [markdown]
# ## Where contacts come from: channels and hooks
# Read the heatmap row by row: which hooks (钩子) each acquisition channel relies on.

# %%
channel_hook = save_table(mix(contacts, rows="channel", cols="hook"), "channel_hook_mix")
plot_mix(channel_hook, lang=lang)
plt.show()
by_channel = channel_hook.groupby("channel")["contacts"].sum().sort_values(ascending=False)
Markdown(
    say(
        "overview.channels",
        lang,
        top=tr(by_channel.index[0], lang),
        top_n=int(by_channel.iloc[0]),
        top_share=by_channel.iloc[0] / by_channel.sum(),
        bottom=tr(by_channel.index[-1], lang),
        bottom_share=by_channel.iloc[-1] / by_channel.sum(),
    )
)

# %% [markdown]
# New contacts over time, stacked by channel: is acquisition growing, and from where?

# %%
joins = save_table(
    counts_by_period(contacts, time_col="joined_at", by="channel", freq=freq), "joins_by_channel"
)
plot_joins(joins, lang=lang)
plt.show()
per_period = joins.groupby("period")["rows"].sum()
Markdown(
    say(
        "overview.joins",
        lang,
        first_n=int(per_period.iloc[0]),
        last_n=int(per_period.iloc[-1]),
        peak_n=int(per_period.max()),
        peak=f"{per_period.idxmax():%Y-%m}",
    )
)

# %% [markdown]
# ## What contacts do: events per type over time
# The event vocabulary maps each type to one of the five values and to a stage of the flow
# ladder:

# %%
vocab_table = tables.vocabulary.table()
counts = events["event_type"].value_counts().rename("events")
vocab_table = vocab_table.merge(counts, left_on="event_type", right_index=True, how="left")
vocab_table["events"] = vocab_table["events"].fillna(0).astype(int)
save_table(vocab_table, "vocabulary_counts")
shown = (
    vocab_table[["event_type", "value", "stage", "events", "meaning"]]
    if lang == "zh"
    else vocab_table[["event_type", "value", "value_zh", "stage", "stage_zh", "events", "meaning"]]
)
display(tr_frame(shown, lang, value_columns=["value", "stage", "meaning"]))

# %%
events_tidy = save_table(
    counts_by_period(events, time_col="occurred_at", by="event_type", freq=freq), "events_by_type"
)
plot_events(events_tidy, top=8, lang=lang)
plt.show()
value_events = vocab_table.dropna(subset=["value"]).groupby("value")["events"].sum()
Markdown(
    say(
        "overview.values",
        lang,
        items=", ".join(
            f"{tr(v, lang)} {n:,}" for v, n in value_events.sort_values(ascending=False).items()
        ),
    )
)

# %% [markdown]
# ## What contacts buy: orders and revenue over time
# Bars are net revenue (after refunds) with refunds stacked on top; the line is the number of
# orders.

# %%
orders_tidy = save_table(orders_by_period(orders, freq=freq), "orders_by_period")
plot_orders(orders_tidy, lang=lang)
plt.show()
totals = orders_tidy[["orders", "gross", "refunded", "net", "refunded_orders"]].sum()
buyers = orders["user_id"].nunique()
Markdown(
    say(
        "overview.orders",
        lang,
        orders=int(totals["orders"]),
        buyers=buyers,
        buyer_share=buyers / len(contacts),
        gross=totals["gross"],
        refunded=totals["refunded"],
        refund_share=totals["refunded"] / totals["gross"],
        refunded_orders=int(totals["refunded_orders"]),
        net=totals["net"],
    )
)
