"""Persona cards: personas that differ (near-duplicates merged by a stated rule), each with its
channel mix and a suggested use.

The rule (:func:`merge_close_personas`): two personas whose centroids (standardised log five
values, :class:`~analysis.studies.segments.FiveValuePersonas`) lie within ``max_distance``
standard deviations (Euclidean) are one persona — closer than that, no value separates them by
even one SD. Merging is single-linkage over the centroids (a chain of close pairs becomes one
persona); the merged persona keeps the number and name of its largest member and the
user-weighted mean centroid. The suggested use (:func:`suggested_use`) follows the value on
which the persona's centroid is highest (``quiet`` when every value is at least half the
threshold below the mean).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform

from analysis.i18n import say, tr
from analysis.studies.result import StudyResult

__all__ = [
    "merge_close_personas",
    "suggested_use",
    "persona_cards",
    "PersonaCards",
]


def merge_close_personas(
    labels: pd.Series, centroids: pd.DataFrame, *, max_distance: float = 1.0
) -> tuple[pd.Series, pd.DataFrame]:
    """Merge personas whose centroids are within ``max_distance`` (see the module docstring).

    ``labels``: persona number per user (0 = largest); ``centroids``: one row per persona
    (index = persona number). Returns the new labels (renumbered 0, 1, ... by decreasing size)
    and a table ``persona``, ``merged_into``, ``nearest``, ``distance`` (to the nearest other
    persona before merging)."""
    if max_distance < 0:
        raise ValueError(f"max_distance must be >= 0, got {max_distance}")
    k = len(centroids)
    ids = centroids.index.to_numpy()
    dist = squareform(pdist(centroids.to_numpy(dtype=float))) if k > 1 else np.zeros((1, 1))
    np.fill_diagonal(dist, np.inf)
    if k > 1:
        group = fcluster(
            linkage(centroids.to_numpy(dtype=float), "single"), max_distance, "distance"
        )
    else:
        group = np.ones(1, dtype=int)
    sizes = labels.value_counts().reindex(ids, fill_value=0).to_numpy()
    # each group is named after its largest member; groups ordered by their total size
    head = {g: ids[np.flatnonzero(group == g)[np.argmax(sizes[group == g])]] for g in set(group)}
    total = {g: sizes[group == g].sum() for g in set(group)}
    order = sorted(total, key=lambda g: (-total[g], head[g]))
    new = {g: i for i, g in enumerate(order)}
    to_new = {p: new[g] for p, g in zip(ids, group)}
    merged = labels.map(to_new).astype("int64").rename(labels.name)
    table = pd.DataFrame(
        {
            "persona": ids,
            "merged_into": [int(to_new[p]) for p in ids],
            "nearest": [ids[np.argmin(dist[i])] if k > 1 else -1 for i in range(k)],
            "distance": [float(dist[i].min()) if k > 1 else np.nan for i in range(k)],
        }
    )
    return merged, table


#: The value a persona is highest on → the sentence saying what the persona is good for
#: (in :mod:`analysis.i18n.segments_flow`).
USES = {
    "consumption": "flow.use_consumption",
    "experience": "flow.use_experience",
    "social": "flow.use_social",
    "content": "flow.use_content",
    "innovation": "flow.use_innovation",
    "quiet": "flow.use_quiet",
    "average": "flow.use_average",
}


def suggested_use(centroid: pd.Series, *, threshold: float = 0.5) -> str:
    """The use key of one centroid (standardised values): the highest value when it is at
    least ``threshold`` SD above the mean, ``quiet`` when every value is at least
    ``threshold / 2`` below, else ``average``."""
    top = centroid.idxmax()
    if centroid[top] >= threshold:
        return str(top)
    if (centroid <= -threshold / 2).all():
        return "quiet"
    return "average"


def persona_cards(
    labels: pd.Series,
    contacts: pd.DataFrame,
    *,
    standardised: pd.DataFrame,
    retained: pd.Series | None = None,
    spend: pd.Series | None = None,
    by: str = "channel",
    threshold: float = 0.5,
) -> pd.DataFrame:
    """One row per persona (``labels``: persona per user): ``users``, ``share``, retention and
    mean spend (when given), the mean standardised values (``standardised``: one row per user),
    the share of each ``contacts[by]`` value (``mix_<value>``), the ``main_channel`` and the
    ``use`` key (:func:`suggested_use` of the persona's mean standardised values)."""
    lab = pd.Series(labels, name="persona")
    out = pd.DataFrame({"users": lab.value_counts().sort_index()})
    out.index.name = "persona"
    out["share"] = out["users"] / out["users"].sum()
    if retained is not None:
        out["retention"] = (
            pd.Series(retained, dtype="float64").reindex(lab.index).groupby(lab).mean()
        )
    if spend is not None:
        out["mean_spend"] = pd.Series(spend, dtype="float64").reindex(lab.index).groupby(lab).mean()
    z = standardised.reindex(lab.index).groupby(lab).mean()
    out = out.join(z.add_prefix("z_"))
    chan = contacts.assign(user_id=contacts["user_id"].astype("str")).set_index("user_id")[by]
    mix = pd.crosstab(lab, chan.reindex(lab.index.astype("str")).to_numpy(), normalize="index")
    out = out.join(mix.add_prefix("mix_"))
    out["main_channel"] = mix.idxmax(axis=1)
    out["use"] = [suggested_use(z.loc[p], threshold=threshold) for p in out.index]
    return out


@dataclass(frozen=True)
class PersonaCards(StudyResult):
    """The persona cards (:func:`persona_cards`) and the merge table of
    :func:`merge_close_personas` (``merges``) with its threshold; the reading states the rule,
    what it merged (or the closest pair it kept apart) and each persona's use."""

    merges: pd.DataFrame | None = None
    max_distance: float = 1.0

    def reading(self, lang: str = "en") -> str:
        m = self.merges
        n_before, n_after = len(m), m["merged_into"].nunique()
        close = m.loc[m["distance"].idxmin()] if n_before > 1 else None
        head = say(
            "flow.persona_rule",
            lang,
            threshold=self.max_distance,
            before=n_before,
            after=n_after,
            a=int(close["persona"]) + 1 if close is not None else 1,
            b=int(close["nearest"]) + 1 if close is not None else 1,
            distance=float(close["distance"]) if close is not None else float("nan"),
        )
        sep = "；" if lang == "zh" else "; "
        cards = [
            say(
                "flow.persona_card",
                lang,
                p=int(p) + 1,
                share=row["share"],
                channel=tr(str(row["main_channel"]), lang),
                channel_share=row[f"mix_{row['main_channel']}"],
                use=say(USES[row["use"]], lang),
            )
            for p, row in self.table.iterrows()
        ]
        space = "" if lang == "zh" else " "
        return head + space + sep.join(cards) + ("。" if lang == "zh" else ".")
