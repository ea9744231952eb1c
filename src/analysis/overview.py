"""Plots of the data overview report. Each takes a tidy table and ``ax=None``, returns the axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns


def _ax(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    return ax


def plot_mix(mix: pd.DataFrame, *, rows: str = "channel", cols: str = "hook", ax=None):
    """Heatmap of contacts by channel × hook (share of all contacts, in %)."""
    ax = _ax(ax)
    grid = mix.pivot_table(index=rows, columns=cols, values="share", aggfunc="sum",
                           fill_value=0.0) * 100
    sns.heatmap(grid, annot=True, fmt=".1f", cmap="Blues", cbar_kws={"label": "% of contacts"},
                ax=ax)
    ax.set_title(f"Contacts by {rows} and {cols} (% of all contacts)")
    ax.set_xlabel(cols)
    ax.set_ylabel(rows)
    return ax


def plot_joins(joins: pd.DataFrame, *, by: str = "channel", ax=None):
    """Stacked area of new contacts per period by ``by``."""
    ax = _ax(ax)
    wide = joins.pivot_table(index="period", columns=by, values="rows", fill_value=0)
    wide.plot.area(ax=ax, linewidth=0)
    ax.set_title(f"New contacts per month by {by}")
    ax.set_xlabel("month")
    ax.set_ylabel("new contacts")
    ax.legend(title=by, fontsize="small", loc="upper left")
    return ax


def plot_events(events_tidy: pd.DataFrame, *, top: int = 8, ax=None):
    """Lines of events per period for the ``top`` most frequent event types (log scale)."""
    ax = _ax(ax)
    totals = events_tidy.groupby("event_type")["rows"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top])
    data = events_tidy[events_tidy["event_type"].isin(keep)]
    sns.lineplot(data=data, x="period", y="rows", hue="event_type", hue_order=keep, ax=ax)
    ax.set_yscale("log")
    ax.set_title(f"Events per month, {top} most frequent types")
    ax.set_xlabel("month")
    ax.set_ylabel("events (log scale)")
    ax.legend(title="event type", fontsize="small", ncol=2)
    return ax


def plot_orders(orders_tidy: pd.DataFrame, *, ax=None):
    """Net revenue per period (bars) with the number of orders (line, right axis)."""
    ax = _ax(ax)
    x = orders_tidy["period"].dt.strftime("%Y-%m")
    ax.bar(x, orders_tidy["net"], color="tab:blue", alpha=0.7, label="net revenue")
    ax.bar(x, orders_tidy["refunded"], bottom=orders_tidy["net"], color="tab:red", alpha=0.5,
           label="refunded")
    ax.set_title("Revenue per month (net and refunded) and orders")
    ax.set_xlabel("month")
    ax.set_ylabel("CNY")
    ax.tick_params(axis="x", rotation=60)
    ax2 = ax.twinx()
    ax2.plot(x, orders_tidy["orders"], color="black", marker="o", label="orders")
    ax2.set_ylabel("orders")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize="small")
    return ax
