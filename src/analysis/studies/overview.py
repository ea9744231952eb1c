"""The data overview as results: each section of the data-overview report is one call that
returns a :class:`~analysis.studies.result.StudyResult` (its table, its reading in English or
Chinese and, where it has one, its figure), so the notebook never picks cells out of a table to
write prose.

The tables themselves are the overview aggregations of :mod:`analysis.aggregate.activity`
(unchanged, so a report saves the same files); the figures are :mod:`analysis.plots.overview`.
``events`` and ``orders`` may be the tables of a :class:`~analysis.engine.DuckTables` /
:class:`~analysis.engine.SparkTables`: they are then counted in SQL where they are, with the
same results.

* :class:`Ledger` — the loader's row ledger: rows read, dropped, repaired.
* :func:`table_summary` → :class:`TableSummary` — rows, users and dates per table; also the
  report's headline.
* :func:`contact_mix` → :class:`ContactMix` — contacts by channel × hook; largest and smallest
  channel.
* :func:`joins_by_period` → :class:`Joins` — new contacts per period by channel.
* :func:`vocabulary_counts` → :class:`VocabularyCounts` — the event vocabulary with the number
  of events of each type; events per value.
* :func:`orders_by_period` → :class:`OrdersOverTime` — orders and revenue per period; totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.aggregate import activity
from analysis.i18n import LIST_SEP, say, tr
from analysis.plots import overview as plots
from analysis.studies.result import StudyResult

__all__ = [
    "Ledger",
    "TableSummary",
    "table_summary",
    "ContactMix",
    "contact_mix",
    "Joins",
    "joins_by_period",
    "VocabularyCounts",
    "vocabulary_counts",
    "OrdersOverTime",
    "orders_by_period",
]


@dataclass(frozen=True)
class Ledger(StudyResult):
    """The loader's row ledger (``Tables.ledger``: ``table``, ``step``, ``rows_in``, ``kept``,
    ``dropped``, ``repaired``, ``detail``); the reading counts the rows read (the ``read``
    steps), dropped (every step but ``final``, which repeats the totals) and repaired."""

    @property
    def read(self) -> int:
        return int(self.table.loc[self.table["step"] == "read", "rows_in"].sum())

    @property
    def dropped(self) -> int:
        return int(self.table.loc[self.table["step"] != "final", "dropped"].sum())

    @property
    def repaired(self) -> int:
        return int(self.table["repaired"].sum())

    def reading(self, lang: str = "en") -> str:
        return say(
            "overview.ledger", lang, read=self.read, dropped=self.dropped, repaired=self.repaired
        )


@dataclass(frozen=True)
class TableSummary(StudyResult):
    """One row per table (:func:`analysis.aggregate.activity.table_summary`); ``dropped`` is
    the number of rows the loader dropped (:attr:`Ledger.dropped`), for the headline."""

    dropped: int = 0

    def _row(self, name: str) -> pd.Series:
        return self.table.set_index("table").loc[name]

    def _span(self) -> dict:
        first, last = self.table["first"].min(), self.table["last"].max()
        return {
            "contacts": int(self._row("contacts")["rows"]),
            "events": int(self._row("events")["rows"]),
            "orders": int(self._row("orders")["rows"]),
            "first": f"{first:%Y-%m-%d}",
            "last": f"{last:%Y-%m-%d}",
            "days": (last - first).days,
        }

    def reading(self, lang: str = "en") -> str:
        """How much data over which dates, and how many contacts have events and orders."""
        return say(
            "overview.span",
            lang,
            **self._span(),
            with_events=int(self._row("events")["users"]),
            with_orders=int(self._row("orders")["users"]),
        )

    def headline(self, lang: str = "en") -> str:
        """The report's one-sentence finding: the tables, their dates and the rows dropped."""
        span = self._span()
        del span["days"]
        return say("overview.headline", lang, **span, dropped=self.dropped)


def table_summary(contacts, events, orders, *, dropped: int = 0) -> TableSummary:
    """:func:`analysis.aggregate.activity.table_summary` as a :class:`TableSummary`."""
    return TableSummary(activity.table_summary(contacts, events, orders), dropped=int(dropped))


@dataclass(frozen=True)
class ContactMix(StudyResult):
    """Contacts by two attributes (:func:`analysis.aggregate.activity.mix`); the reading names
    the largest and the smallest level of ``rows`` (the channel)."""

    rows: str = "channel"
    cols: str = "hook"

    def totals(self) -> pd.Series:
        """Contacts per level of ``rows``, largest first."""
        return self.table.groupby(self.rows)["contacts"].sum().sort_values(ascending=False)

    def reading(self, lang: str = "en") -> str:
        t = self.totals()
        return say(
            "overview.channels",
            lang,
            top=tr(t.index[0], lang),
            top_n=int(t.iloc[0]),
            top_share=t.iloc[0] / t.sum(),
            bottom=tr(t.index[-1], lang),
            bottom_share=t.iloc[-1] / t.sum(),
        )

    def plot(self, *, ax=None, lang: str = "en"):
        """Heatmap of the share of contacts (:func:`analysis.plots.overview.plot_mix`)."""
        return plots.plot_mix(self.table, rows=self.rows, cols=self.cols, ax=ax, lang=lang)


def contact_mix(contacts: pd.DataFrame, *, rows: str = "channel", cols: str = "hook") -> ContactMix:
    """:func:`analysis.aggregate.activity.mix` as a :class:`ContactMix`."""
    return ContactMix(activity.mix(contacts, rows=rows, cols=cols), rows=rows, cols=cols)


@dataclass(frozen=True)
class Joins(StudyResult):
    """New contacts per period and ``by`` group (tidy: ``period``, ``by``, ``rows``); the
    reading compares the first, the last and the peak period."""

    by: str = "channel"

    def per_period(self) -> pd.Series:
        return self.table.groupby("period")["rows"].sum()

    def reading(self, lang: str = "en") -> str:
        p = self.per_period()
        return say(
            "overview.joins",
            lang,
            first_n=int(p.iloc[0]),
            last_n=int(p.iloc[-1]),
            peak_n=int(p.max()),
            peak=f"{p.idxmax():%Y-%m}"
            if lang == "en"
            else f"{p.idxmax().year}年{p.idxmax().month}月",
        )

    def plot(self, *, ax=None, lang: str = "en"):
        """Stacked area per period (:func:`analysis.plots.overview.plot_joins`)."""
        return plots.plot_joins(self.table, by=self.by, ax=ax, lang=lang)


def joins_by_period(contacts: pd.DataFrame, *, by: str = "channel", freq: str = "M") -> Joins:
    """New contacts (``joined_at``) per period of ``freq`` and ``by`` group
    (:func:`analysis.aggregate.activity.counts_by_period`) as a :class:`Joins`."""
    return Joins(activity.counts_by_period(contacts, time_col="joined_at", by=by, freq=freq), by=by)


@dataclass(frozen=True)
class VocabularyCounts(StudyResult):
    """The event vocabulary (one row per event type: ``value``, ``stage``, ``meaning``, ...)
    with ``events``, the number of events of the type; the reading lists the events that
    evidence each of the five values, most first."""

    def by_value(self) -> pd.Series:
        """Events per value (types without a value left out), most first."""
        t = self.table.dropna(subset=["value"])
        return t.groupby("value")["events"].sum().sort_values(ascending=False)

    def reading(self, lang: str = "en") -> str:
        items = LIST_SEP[lang].join(f"{tr(v, lang)} {n:,}" for v, n in self.by_value().items())
        return say("overview.values", lang, items=items)


def vocabulary_counts(events, *, vocabulary) -> VocabularyCounts:
    """:func:`analysis.aggregate.activity.vocabulary_counts` as a :class:`VocabularyCounts`."""
    return VocabularyCounts(activity.vocabulary_counts(events, vocabulary=vocabulary))


@dataclass(frozen=True)
class OrdersOverTime(StudyResult):
    """Orders and revenue per period (:func:`analysis.aggregate.activity.orders_by_period`);
    ``buyers`` (distinct buyers over the whole data, which per-period counts cannot give) and
    ``contacts`` (all contacts) for the buyers' share. The reading gives the totals."""

    buyers: int = 0
    contacts: int = 0

    def totals(self) -> pd.Series:
        return self.table[["orders", "gross", "refunded", "net", "refunded_orders"]].sum()

    def reading(self, lang: str = "en") -> str:
        t = self.totals()
        return say(
            "overview.orders",
            lang,
            orders=int(t["orders"]),
            buyers=self.buyers,
            buyer_share=self.buyers / self.contacts if self.contacts else float("nan"),
            gross=t["gross"],
            refunded=t["refunded"],
            refund_share=t["refunded"] / t["gross"] if t["gross"] else float("nan"),
            refunded_orders=int(t["refunded_orders"]),
            net=t["net"],
        )

    def plot(self, *, ax=None, currency: str = "CNY", lang: str = "en"):
        """Net revenue and refunds per period with the orders (right axis)
        (:func:`analysis.plots.overview.plot_orders`)."""
        return plots.plot_orders(self.table, ax=ax, currency=currency, lang=lang)


def orders_by_period(orders, *, contacts: pd.DataFrame, freq: str = "M") -> OrdersOverTime:
    """:func:`analysis.aggregate.activity.orders_by_period` as an :class:`OrdersOverTime`,
    with the distinct buyers of ``orders`` and the number of ``contacts``."""
    return OrdersOverTime(
        activity.orders_by_period(orders, freq=freq),
        buyers=len(activity.distinct_users(orders)),
        contacts=len(contacts),
    )
