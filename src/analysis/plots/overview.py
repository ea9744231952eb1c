"""Plots of the data overview report. Each takes a tidy table and ``ax=None``, returns the axes."""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from analysis.i18n import say, tr, tr_frame
from analysis.plots.base import axes_or_new, chinese_date_label, chinese_dates, chinese_numbers


def plot_mix(
    mix: pd.DataFrame, *, rows: str = "channel", cols: str = "hook", ax=None, lang: str = "en"
):
    """Heatmap of contacts by channel × hook (share of all contacts, in %)."""
    ax = axes_or_new(ax, (9, 4.5))
    grid = (
        tr_frame(mix, lang, value_columns=[rows, cols]).pivot_table(
            index=tr(rows, lang),
            columns=tr(cols, lang),
            values=tr("share", lang),
            aggfunc="sum",
            fill_value=0.0,
        )
        * 100
    )
    sns.heatmap(
        grid,
        annot=True,
        fmt=".1f",
        cmap="Blues",
        cbar_kws={"label": tr("% of contacts", lang)},
        ax=ax,
    )
    ax.tick_params(axis="y", rotation=0)
    ax.set_title(say("overview.plot.mix_title", lang, rows=tr(rows, lang), cols=tr(cols, lang)))
    ax.set_xlabel(tr(cols, lang))
    ax.set_ylabel(tr(rows, lang))
    return ax


def plot_joins(joins: pd.DataFrame, *, by: str = "channel", ax=None, lang: str = "en"):
    """Stacked area of new contacts per period by ``by``."""
    ax = axes_or_new(ax, (9, 4.5))
    wide = joins.pivot_table(index="period", columns=by, values="rows", fill_value=0)
    wide.columns = [tr(c, lang) for c in wide.columns]
    wide.plot.area(ax=ax, linewidth=0)
    ax.set_title(say("overview.plot.joins_title", lang, by=tr(by, lang)))
    ax.set_xlabel(tr("month", lang))
    ax.set_ylabel(tr("new contacts", lang))
    ax.legend(title=tr(by, lang), fontsize="small", loc="upper left")
    chinese_dates(ax, lang=lang)
    return ax


def plot_events(events_tidy: pd.DataFrame, *, top: int = 8, ax=None, lang: str = "en"):
    """Lines of events per period for the ``top`` most frequent event types (log scale)."""
    ax = axes_or_new(ax, (9, 4.5))
    totals = events_tidy.groupby("event_type")["rows"].sum().sort_values(ascending=False)
    keep = list(totals.index[:top])
    data = events_tidy[events_tidy["event_type"].isin(keep)]
    if lang != "en":  # the legend names the event types (English: the vocabulary's own names)
        names = {t: tr(f"type:{t}", lang) for t in keep}
        data, keep = data.assign(event_type=data["event_type"].map(names)), list(names.values())
    sns.lineplot(data=data, x="period", y="rows", hue="event_type", hue_order=keep, ax=ax)
    ax.set_yscale("log")
    chinese_numbers(ax, lang=lang)  # 10, 100, 1,000, 1万 instead of 10^1 ... 10^4
    ax.set_title(say("overview.plot.events_title", lang, top=top))
    ax.set_xlabel(tr("month", lang))
    ax.set_ylabel(tr("events (log scale)", lang))
    ax.legend(title=tr("event type", lang), fontsize="small", ncol=2)
    chinese_dates(ax, lang=lang)
    return ax


def plot_orders(orders_tidy: pd.DataFrame, *, ax=None, currency: str = "CNY", lang: str = "en"):
    """Net revenue per period (bars, in ``currency``) with the number of orders (line, right
    axis)."""
    ax = axes_or_new(ax, (9, 4.5))
    x = orders_tidy["period"].dt.strftime("%Y-%m")
    ax.bar(x, orders_tidy["net"], color="tab:blue", alpha=0.7, label=tr("net revenue", lang))
    ax.bar(
        x,
        orders_tidy["refunded"],
        bottom=orders_tidy["net"],
        color="tab:red",
        alpha=0.5,
        label=tr("refunded", lang),
    )
    ax.set_title(
        say(
            "common.money.in_currency",
            lang,
            text=tr("Revenue per month (net and refunded) and orders", lang),
            currency=tr(currency, lang),
        )
    )
    ax.set_xlabel(tr("month", lang))
    ax.set_ylabel(tr(currency, lang))
    ax.tick_params(axis="x", rotation=60)
    if lang != "en":  # 2025年1月, 2月, ... 2026年1月
        years = orders_tidy["period"].dt.year.tolist()
        ax.set_xticks(
            range(len(x)),
            [
                chinese_date_label(p, with_year=i == 0 or years[i] != years[i - 1])
                for i, p in enumerate(orders_tidy["period"])
            ],
        )
    chinese_numbers(ax, lang=lang)  # 5万, 10万 yuan
    ax2 = ax.twinx()
    ax2.plot(x, orders_tidy["orders"], color="black", marker="o", label=tr("orders", lang))
    ax2.set_ylabel(tr("orders", lang))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize="small")
    return ax
