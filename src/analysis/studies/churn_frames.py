"""The churn frames of several cut-offs at once (the as-of design's four windows).

:func:`churn_frames` returns, for each named cut-off, exactly the table of
:func:`analysis.studies.churn.churn_frame` there, but reads the data fewer times: the
features of every cut-off come from one query per table
(:func:`~analysis.aggregate.features.churn_features_many`) and the ladder stages of every
cut-off from one stage assignment with all cut-offs as snapshots
(:func:`ladder_stages`), their labels from one query
(:func:`~analysis.aggregate.labels.retention_labels_many`). On a prepared store each window
used to scan the events and the orders again for its labels, its features and its stages.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.aggregate.features import churn_features_many
from analysis.aggregate.labels import retention_labels_many
from analysis.aggregate.time import as_timestamp, tz_of
from analysis.data.vocab import Vocabulary
from analysis.engine.core import return_free_memory
from analysis.studies.churn import ChurnDefinition

DEFAULT_DEFINITION = ChurnDefinition()


def ladder_stages(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs: Iterable,
    users: Iterable[pd.Index],
    vocabulary: Vocabulary | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`analysis.studies.churn.ladder_stage` at each of ``cutoffs`` (for the matching
    ``users``), from one stage assignment with all cut-offs as snapshots."""
    from analysis.studies.flow import Ladder, assign_stages

    # the same ladder as churn.ladder_stage: ungated, leaving all groups is not "lost"
    lad = Ladder(vocabulary=vocabulary, left_all_groups_is_lost=False, purchase_gated=())
    tz = tz_of(contacts["joined_at"])
    cuts = [as_timestamp(c, tz=tz, name="cutoff") for c in cutoffs]
    users = list(users)
    if len(users) != len(cuts):
        raise ValueError(f"{len(cuts)} cut-offs but {len(users)} user selections")
    snaps = sorted(set(cuts))
    codes = assign_stages(contacts, events, orders, snapshots=snaps, ladder=lad)
    n = len(lad.stages)
    names = np.array(lad.states + ["none"], dtype=object)
    out = []
    for c, who in zip(cuts, users):
        col = codes.iloc[:, snaps.index(c)]
        k = col.reindex(who, fill_value=-1).to_numpy(dtype="int64")
        rank = np.where((k >= 0) & (k < n), k + 1, 0).astype("int64")
        stage = names[np.where(k < 0, len(names) - 1, k)].astype("str")
        out.append((rank, stage))
    return out


def churn_frames(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    cutoffs: Mapping[str, object],
    definition: ChurnDefinition = DEFAULT_DEFINITION,
    observation_end: Mapping[str, object] | None = None,
    vocabulary: Vocabulary | None = None,
    last_activity: Iterable[str] = (),
) -> dict[str, pd.DataFrame]:
    """``{name: churn_frame(..., cutoff=cutoffs[name], observation_end=observation_end[name],
    last_activity=name in last_activity)}``, the same tables, with the features and the
    stages of all cut-offs read together (see the module docstring)."""
    d = definition
    names = list(cutoffs)
    at = [cutoffs[n] for n in names]
    ends = observation_end or {}
    labels = dict(
        zip(
            names,
            retention_labels_many(
                contacts,
                events,
                orders,
                cutoffs=at,
                observation_end=[ends.get(n) for n in names],
                horizon_days=d.horizon_days,
                activity=d.activity,
                lost_after_days=d.lost_after_days,
                vocabulary=vocabulary,
            ),
        )
    )
    return_free_memory()  # (the label query's freed blocks, before the feature query)
    feats = churn_features_many(
        contacts,
        events,
        orders,
        cutoffs=at,
        users=[labels[n]["user_id"] for n in names],
        lookback_days=d.lookback_days,
        short_days=d.short_days,
        long_days=d.long_days,
        vocabulary=vocabulary,
    )
    return_free_memory()  # (the feature query's freed blocks, before the stage assignment)
    stages = ladder_stages(
        contacts,
        events,
        orders,
        cutoffs=at,
        users=[f.index for f in feats],
        vocabulary=vocabulary,
    )
    keep = set(last_activity)
    out = {}
    feats.reverse()  # popped in the names' order: each window's inputs freed once it is built
    for name, (rank, stage) in zip(names, stages):
        frame = feats.pop()  # (built for this call: finished in place, not copied)
        lab = labels.pop(name).set_index("user_id").reindex(frame.index)
        frame["stage_rank"], frame["stage"] = rank, stage
        frame["churned"] = (~lab["retained"].to_numpy(dtype=bool)).astype("int64")
        frame["churned_hard"] = lab["churned_hard"].to_numpy(dtype=bool).astype("int64")
        if name in keep:
            frame["last_activity_at"] = lab["last_activity_before"].array  # (zoned, no objects)
        out[name] = frame
    return out
