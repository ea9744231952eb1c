"""Who each report counts: one table, in every report, that walks from the data-overview's
contacts to the users the report's analysis keeps, one rule at a time, saying why the others
are out (joined after the cut-off, deleted the brand, already lost, no order, ...).

Every count is counted from the user ids of the frames the study returns or reads (never
derived from other counts), and each step must lie within the step before
(:func:`analysis.studies.funnels.population_table` raises otherwise), so the table cannot
claim more users than the data hold. Labels and sentences are in
:mod:`analysis.i18n.common` (keys ``common.population.…``), in English and Chinese.

A notebook builds the steps with :func:`step` (and :func:`cutoff_steps` for the population
at a cut-off, shared by the value-index, churn and segment reports), then calls
:func:`population` and shows the result with :func:`show_population`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from analysis.i18n import say, tr
from analysis.studies.funnels import population_table
from analysis.studies.result import StudyResult

__all__ = [
    "STEPS",
    "Step",
    "step",
    "cutoff_steps",
    "observed_step",
    "data_end",
    "population",
    "Population",
    "show_population",
]

#: The rules a step can stand for: per rule, the sentence key of what the users of the step
#: are, and of why the users of the step before who are not in it are out.
STEPS = {
    "contacts": ("common.population.step.contacts", None),
    "joined": ("common.population.step.joined", "common.population.out.joined"),
    "kept": ("common.population.step.kept", "common.population.out.kept"),
    "not_lost": ("common.population.step.not_lost", "common.population.out.not_lost"),
    "on_ladder": ("common.population.step.on_ladder", "common.population.out.on_ladder"),
    "active": ("common.population.step.active", "common.population.out.active"),
    "ordered": ("common.population.step.ordered", "common.population.out.ordered"),
    "buyers": ("common.population.step.buyers", "common.population.out.buyers"),
    "buyers_before": (
        "common.population.step.buyers_before",
        "common.population.out.buyers_before",
    ),
    "observed": ("common.population.step.observed", "common.population.out.observed"),
    "labelled": ("common.population.step.labelled", "common.population.out.labelled"),
    "touched": ("common.population.step.touched", "common.population.out.touched"),
    "listed": ("common.population.step.listed", "common.population.out.listed"),
    "early": ("common.population.step.early", "common.population.out.early"),
}


@dataclass(frozen=True)
class Step:
    """One step: the rule ``key`` (one of :data:`STEPS`), the user ids it keeps, the values
    its sentences name (``date``, ``days``) and, optionally, the report's sections that count
    exactly these users (``used_by``, English, translated with :func:`analysis.i18n.tr`)."""

    key: str
    ids: pd.Index
    values: dict
    used_by: str = ""


def step(key: str, ids, *, used_by: str = "", **values) -> Step:
    """A :class:`Step`; ``ids`` are user ids (any iterable; duplicates are an error)."""
    if key not in STEPS:
        raise ValueError(f"unknown population step {key!r}; one of {sorted(STEPS)}")
    return Step(key, pd.Index(ids), dict(values), used_by)


def _day(t) -> str:
    return pd.Timestamp(t).date().isoformat()


def cutoff_steps(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoff,
    lost_after_days: int | None,
    activity: str = "any",
    vocabulary=None,
    studied=None,
) -> list[Step]:
    """The steps from the data's contacts to the population at ``cutoff`` of
    :func:`analysis.aggregate.labels.retention_labels` (the shared population rule): the
    contacts, those who joined before the cut-off, those who had not deleted the brand by
    then, and — with ``lost_after_days`` — those not already silent that long. Each set is
    the ``user_id`` of a frame: the contacts, or the population ``retention_labels`` returns
    (its labels, which read after the cut-off, are not used).

    ``studied``: the user ids of the frame the report's study returned for this cut-off; they
    replace the last step's ids after a check that they are the same users (a study whose
    population differs from the shared rule is an error here, not a silent mismatch)."""
    from analysis.aggregate.labels import retention_labels
    from analysis.aggregate.rules import is_silent
    from analysis.aggregate.time import as_timestamp, tz_of

    table = contacts
    if not isinstance(contacts, pd.DataFrame):  # a DuckDB / Spark table: only the contacts
        contacts = contacts.to_pandas()
    c = as_timestamp(cutoff, tz=tz_of(contacts["joined_at"]), name="cutoff")
    day = _day(c)
    kw = dict(
        cutoff=c,
        horizon_days=1,
        activity=activity,
        observation_end=c + pd.Timedelta(days=1),  # only who is in, not the labels
        vocabulary=vocabulary,
    )
    kept = retention_labels(table, events, orders, lost_after_days=None, **kw)
    out = [
        step("contacts", contacts["user_id"]),
        step("joined", contacts.loc[contacts["joined_at"] < c, "user_id"], date=day),
        step("kept", kept["user_id"], date=day),
    ]
    if lost_after_days is not None:
        # the population rule's last step on the labels already read (retention_labels with
        # lost_after_days drops the same users by the same rule, is_silent)
        joined = pd.Series(
            contacts["joined_at"].array, index=contacts["user_id"].astype("str")
        ).reindex(kept["user_id"].astype("str"))
        lost = is_silent(
            pd.Series(kept["last_activity_before"].array),
            pd.Series(joined.array),
            as_of=c,
            days=lost_after_days,
        ).to_numpy(dtype=bool)
        out.append(
            step("not_lost", kept.loc[~lost, "user_id"], date=day, days=int(lost_after_days))
        )
    if studied is not None:
        ids, last = pd.Index(studied).astype("str"), out[-1]
        rule = last.ids.astype("str")
        if len(ids) != len(rule) or len(ids.symmetric_difference(rule)):
            raise ValueError(
                f"the study's population ({len(ids):,} users) is not the population rule's at "
                f"{day} ({len(rule):,} users)"
            )
        out[-1] = Step(last.key, pd.Index(studied), last.values, last.used_by)
    return out


def data_end(contacts: pd.DataFrame, events: pd.DataFrame, orders: pd.DataFrame) -> pd.Timestamp:
    """Where the data end, as the studies read it: the latest event or order, plus one day."""
    from analysis.aggregate.behaviours import resolved_observation_end
    from analysis.aggregate.time import tz_of

    return resolved_observation_end(events, orders, None, tz_of(contacts["joined_at"]))


def observed_step(contacts: pd.DataFrame, *, days: float, end) -> Step:
    """The contacts whose first ``days`` days after joining end on or before ``end`` (the
    studies that follow each user from their own join keep only these)."""
    from analysis.aggregate.time import as_timestamp, tz_of

    e = as_timestamp(end, tz=tz_of(contacts["joined_at"]), name="end")
    d = pd.Timedelta(days=float(days))
    return step(
        "observed",
        contacts.loc[contacts["joined_at"] + d <= e, "user_id"],
        days=int(days) if float(days).is_integer() else days,
    )


@dataclass(frozen=True)
class Population(StudyResult):
    """The table (``step``: the rule's key; ``label`` and ``why_out`` in the language it was
    built in; ``users``, ``dropped``, ``share`` of the contacts; ``used_by``) and its reading."""

    lang: str = "en"
    caption: str = ""

    def frame(self) -> pd.DataFrame:
        """The table as shown: localised headers and texts, counts with thousands separators."""
        t = self.table
        cols = say("common.population.columns", self.lang).split("|")
        out = pd.DataFrame(
            {
                cols[0]: t["label"],
                cols[1]: [f"{int(u):,}" for u in t["users"]],
                cols[2]: [f"{s:.0%}" for s in t["share"]],
                cols[3]: [f"{int(d):,}" if i else "" for i, d in enumerate(t["dropped"])],
                cols[4]: t["why_out"],
            }
        )
        if t["used_by"].astype(bool).any():
            out[cols[5]] = t["used_by"]
        return out

    def reading(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        t = self.table
        reasons = [
            say("common.population.reason", lang, why=w, n=int(d))
            for w, d in zip(t["why_out"].iloc[1:], t["dropped"].iloc[1:])
            if d
        ]
        sep = "；" if lang == "zh" else "; "
        return say(
            "common.population.reading" if reasons else "common.population.reading_all",
            lang,
            contacts=int(t["users"].iloc[0]),
            users=int(t["users"].iloc[-1]),
            share=float(t["share"].iloc[-1]),
            reasons=sep.join(reasons),
        )


def population(steps: Sequence[Step], *, lang: str = "en", caption: str = "") -> Population:
    """The population table of ``steps`` (the first is the data's contacts), in ``lang``;
    ``caption``: what the last step is used for (shown above the table)."""
    if not steps or steps[0].key != "contacts":
        raise ValueError("the first population step must be the data's contacts")
    t = population_table([(s.key, s.ids) for s in steps])
    t["label"] = [say(STEPS[s.key][0], lang, **s.values) for s in steps]
    t["why_out"] = [""] + [say(STEPS[s.key][1], lang, **s.values) for s in steps[1:]]
    t["used_by"] = [tr(s.used_by, lang) if s.used_by else "" for s in steps]
    return Population(t, lang=lang, caption=caption)


def show_population(result: Population, *, name: str = "population", heading: bool = True):
    """Show ``result`` in a notebook (heading, table, reading) and save its table as
    ``name`` (returns nothing, so that a cell ending with it shows the table once).
    ``heading=False`` leaves out the heading (for a report
    whose own section introduces the table)."""
    from IPython.display import Markdown, display

    from analysis.reports import save_table

    save_table(result.table, name)
    head = say("common.population.heading", result.lang)
    if result.caption:
        head += say("common.population.caption", result.lang, caption=result.caption)
    if heading:
        display(Markdown(f"**{head}**"))
    display(result.frame().style.hide(axis="index"))
    display(Markdown(result.reading()))
