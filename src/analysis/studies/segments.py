"""Who the users are: RFM scores and segments, five-value tiers and five-value personas.

* :func:`rfm_table` / :func:`rfm_scores` / :func:`rfm_segments` — quantile RFM scores
  (``bins`` configurable) among buyers, and named segments from a documented rule table
  (:data:`RFM_SEGMENT_RULES`, the common Champions / Loyal / At risk / Hibernating family).
* :func:`value_tiers` — core VIP / high / growing / ordinary / silent by the five-value
  index (:mod:`analysis.studies.scores`), with configurable quantile cut points.
* :class:`FiveValuePersonas` — k-means clustering of the standardised five values, ``k``
  chosen by silhouette (or BIC of a Gaussian mixture), labels ordered by size so they are
  stable for a fixed ``random_state``; :func:`persona_profile` describes each persona.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.exceptions import NotFittedError
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

from analysis.aggregate.rfm import rfm_table
from analysis.data.vocab import VALUES
from analysis.i18n import tr
from analysis.reuse import reused
from analysis.studies.fit_sample import FitSample, fit_positions
from analysis.studies.stats import wilson_interval

#: the sentence key naming the personas' k-means in a fit-sample statement
FIT_WHAT = "flow.fit_sample.personas"

__all__ = [
    "rfm_table",
    "rfm_scores",
    "RFM_SEGMENT_RULES",
    "rfm_segment_rules",
    "rfm_segments",
    "TIERS",
    "value_tiers",
    "FiveValuePersonas",
    "group_summary",
    "persona_profile",
]


# ----------------------------------------------------------------------------------------
# RFM
# ----------------------------------------------------------------------------------------


def _quantile_score(x: pd.Series, bins: int) -> pd.Series:
    pct = x.rank(method="average", pct=True)
    return np.ceil(pct * bins).clip(1, bins).astype("int64")


def rfm_scores(rfm: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """Quantile scores ``R``, ``F``, ``M`` in ``1..bins`` among buyers (``frequency > 0``).

    The score of a value is ``ceil(bins × percentile rank)``, ranks averaged over ties (equal
    values get equal scores); ``R`` ranks the *negated* recency, so recent buyers score high.
    Non-buyers get 0 for all three. Adds ``FM`` (mean of F and M) and ``RFM`` (e.g. "545").
    """
    if bins < 2:
        raise ValueError(f"bins must be at least 2, got {bins}")
    out = rfm.copy()
    buyer = out["frequency"] > 0
    for col, src, sign in (("R", "recency_days", -1), ("F", "frequency", 1), ("M", "monetary", 1)):
        s = pd.Series(0, index=out.index, dtype="int64")
        if buyer.any():
            s.loc[buyer] = _quantile_score(sign * out.loc[buyer, src].astype("float64"), bins)
        out[col] = s
    out["FM"] = (out["F"] + out["M"]) / 2
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    return out


#: First matching rule wins. Ranges are inclusive and apply to R and FM on a 1–5 scale
#: (scores from other ``bins`` are rescaled linearly to 1–5 first).
RFM_SEGMENT_RULES: tuple[dict, ...] = (
    {
        "segment": "champions",
        "r": (4, 5),
        "fm": (4, 5),
        "meaning": "bought recently, often and a lot",
    },
    {
        "segment": "loyal",
        "r": (3, 5),
        "fm": (3, 5),
        "meaning": "regular buyers of good value",
    },
    {
        "segment": "potential_loyalist",
        "r": (4, 5),
        "fm": (2, 5),
        "meaning": "recent buyers of middling frequency/value",
    },
    {
        "segment": "new_customers",
        "r": (4, 5),
        "fm": (1, 5),
        "meaning": "recent, few and small purchases",
    },
    {
        "segment": "need_attention",
        "r": (3, 3),
        "fm": (1, 5),
        "meaning": "middling recency, low frequency/value",
    },
    {
        "segment": "cannot_lose",
        "r": (1, 1),
        "fm": (4.5, 5),
        "meaning": "used to buy the most, not for a long time",
    },
    {
        "segment": "at_risk",
        "r": (1, 2),
        "fm": (3, 5),
        "meaning": "good customers who have not bought for a while",
    },
    {
        "segment": "about_to_sleep",
        "r": (2, 2),
        "fm": (1, 5),
        "meaning": "low value, recency slipping",
    },
    {
        "segment": "hibernating",
        "r": (1, 1),
        "fm": (1, 5),
        "meaning": "low value, long ago",
    },
)
NO_PURCHASE = {"segment": "no_purchase", "meaning": "no paid order yet"}


def _zh(rule: Mapping) -> str:
    """A rule's Chinese name: its own ``zh`` when given, else the kit's translation."""
    return rule.get("zh") or tr(rule["segment"], "zh")


def rfm_segment_rules(rules: Sequence[Mapping] = RFM_SEGMENT_RULES) -> pd.DataFrame:
    """The rule table as a DataFrame (first match wins)."""
    return pd.DataFrame(
        [
            {
                "order": i + 1,
                "segment": r["segment"],
                "zh": _zh(r),
                "R": f"{r['r'][0]:g}–{r['r'][1]:g}",
                "FM": f"{r['fm'][0]:g}–{r['fm'][1]:g}",
                "meaning": r["meaning"],
            }
            for i, r in enumerate(rules)
        ]
    )


def rfm_segments(
    scores: pd.DataFrame, *, bins: int = 5, rules: Sequence[Mapping] = RFM_SEGMENT_RULES
) -> pd.DataFrame:
    """Add ``segment`` and ``segment_zh`` to :func:`rfm_scores` output (``bins`` as used there).

    Users no rule matches get ``other``; non-buyers get ``no_purchase``.
    """
    out = scores.copy()
    scale = 4 / (bins - 1)
    r = 1 + (out["R"] - 1) * scale
    fm = 1 + (out["FM"] - 1) * scale
    seg = pd.Series("other", index=out.index, dtype="object")
    zh = pd.Series("其他", index=out.index, dtype="object")
    free = out["R"] > 0
    seg[~free], zh[~free] = NO_PURCHASE["segment"], _zh(NO_PURCHASE)
    for rule in rules:
        m = free & r.between(*rule["r"]) & fm.between(*rule["fm"])
        seg[m], zh[m] = rule["segment"], _zh(rule)
        free &= ~m
    names = [x["segment"] for x in rules] + ["other", NO_PURCHASE["segment"]]
    out["segment"] = pd.Categorical(seg, categories=names)
    out["segment_zh"] = zh.astype("str")
    return out


# ----------------------------------------------------------------------------------------
# value tiers
# ----------------------------------------------------------------------------------------
TIERS: tuple[str, ...] = ("core_vip", "high", "growing", "ordinary", "silent")


def value_tiers(
    index: pd.Series, *, silent: pd.Series | None = None, cuts: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Tier per user by the five-value index.

    ``cuts`` are quantiles of the index among non-silent users: default core VIP ≥ 99th
    percentile, high ≥ 90th, growing ≥ 60th, the rest ordinary. ``silent`` (boolean, aligned
    to ``index``, e.g. no evidence in the window, or the flow state silent/lost) puts users in
    the ``silent`` tier regardless of their index. Returns ``index``, ``tier``, ``tier_zh``.
    """
    cuts = dict(cuts or {"core_vip": 0.99, "high": 0.90, "growing": 0.60})
    if set(cuts) != {"core_vip", "high", "growing"}:
        raise ValueError("cuts must give 'core_vip', 'high' and 'growing'")
    if not 1 >= cuts["core_vip"] >= cuts["high"] >= cuts["growing"] >= 0:
        raise ValueError(f"cuts must satisfy 1 >= core_vip >= high >= growing >= 0, got {cuts}")
    idx = pd.Series(index, dtype="float64")
    sil = (
        pd.Series(False, index=idx.index)
        if silent is None
        else pd.Series(silent, dtype="bool").reindex(idx.index, fill_value=False)
    )
    base = idx.loc[~sil]
    tier = pd.Series("ordinary", index=idx.index, dtype="object")
    if len(base):
        for name in ("growing", "high", "core_vip"):  # ascending: the highest wins
            tier.loc[(~sil) & (idx >= base.quantile(cuts[name]))] = name
    tier.loc[sil] = "silent"
    out = pd.DataFrame(
        {"index": idx, "tier": pd.Categorical(tier, categories=list(TIERS), ordered=True)}
    )
    out["tier_zh"] = out["tier"].map(lambda k: tr(k, "zh")).astype("str")
    return out


# ----------------------------------------------------------------------------------------
# personas
# ----------------------------------------------------------------------------------------
class FiveValuePersonas(BaseEstimator):
    """K-means personas on the standardised five values.

    Each value is transformed with ``log1p(max(x, 0))`` (``log=True``; counts and spend are
    heavy-tailed) and standardised (learned ``scaler_``). ``k=None`` chooses ``k`` in
    ``k_range`` by ``criterion``: ``"silhouette"`` (highest mean silhouette of k-means, on at
    most ``sample_size`` users) or ``"bic"`` (lowest BIC of a diagonal Gaussian mixture).
    Clusters are relabelled 0, 1, ... by decreasing size (ties by centroid), so labels are
    stable for a fixed ``random_state``. Each persona gets a readable name from the values
    whose centroid lies at least ``name_threshold`` SD above (or below) the mean.

    ``fit_sample`` (None: everyone): the most users the final k-means is fitted on (a random
    sample drawn with ``random_state``, :mod:`analysis.studies.fit_sample`); every user is then
    assigned to the nearest centroid, and the sizes that order the personas count everyone.
    ``fit_sample_`` is the :class:`~analysis.studies.fit_sample.FitSample` to state.
    """

    def __init__(
        self,
        k: int | None = None,
        *,
        k_range: Sequence[int] = (2, 3, 4, 5, 6, 7),
        criterion: str = "silhouette",
        log: bool = True,
        sample_size: int = 5000,
        name_threshold: float = 0.5,
        random_state=0,
        fit_sample: int | None = None,
    ):
        self.k = k
        self.k_range = k_range
        self.criterion = criterion
        self.log = log
        self.sample_size = sample_size
        self.name_threshold = name_threshold
        self.random_state = random_state
        self.fit_sample = fit_sample

    def _prep(self, X: pd.DataFrame) -> np.ndarray:
        missing = [v for v in VALUES if v not in X.columns]
        if missing:
            raise ValueError(f"missing five-value columns {missing}")
        v = X[list(VALUES)].to_numpy(dtype="float64")
        return np.log1p(np.maximum(v, 0.0)) if self.log else v

    @reused(fits=True)
    def fit(self, X: pd.DataFrame, y=None):
        if self.criterion not in ("silhouette", "bic"):
            raise ValueError(f"criterion must be 'silhouette' or 'bic', got {self.criterion!r}")
        raw = self._prep(X)
        self.scaler_ = StandardScaler().fit(raw)
        Z = self.scaler_.transform(raw)
        rng = np.random.default_rng(self.random_state)
        seed = int(rng.integers(2**31 - 1))
        rows = []
        if self.k is None:
            sample = (
                Z
                if len(Z) <= self.sample_size
                else Z[rng.choice(len(Z), self.sample_size, replace=False)]
            )
            for k in self.k_range:
                if k >= len(sample):
                    continue
                if self.criterion == "silhouette":
                    lab = KMeans(k, n_init=4, random_state=seed).fit_predict(sample)
                    crit = silhouette_score(sample, lab) if len(set(lab)) > 1 else -1.0
                else:
                    crit = (
                        GaussianMixture(k, covariance_type="diag", random_state=seed, n_init=2)
                        .fit(sample)
                        .bic(sample)
                    )
                rows.append({"k": int(k), self.criterion: float(crit)})
            sel = pd.DataFrame(rows)
            if sel.empty:
                raise ValueError("no k in k_range is feasible for this many users")
            best = (
                sel[self.criterion].idxmax()
                if self.criterion == "silhouette"
                else sel[self.criterion].idxmin()
            )
            self.k_ = int(sel.loc[best, "k"])
        else:
            sel = pd.DataFrame(columns=["k", self.criterion])
            self.k_ = int(self.k)
        self.selection_ = sel
        pos = fit_positions(len(Z), self.fit_sample, self.random_state)
        km = KMeans(self.k_, n_init=10, random_state=seed).fit(Z if pos is None else Z[pos])
        labels = km.labels_ if pos is None else km.predict(Z)
        seed_ = self.random_state if isinstance(self.random_state, (int, np.integer)) else None
        n_fit = len(Z) if pos is None else len(pos)
        self.fit_sample_ = FitSample(n_fit, len(Z), seed_, FIT_WHAT)
        sizes = np.bincount(labels, minlength=self.k_)
        cent = km.cluster_centers_
        order = sorted(range(self.k_), key=lambda c: (-sizes[c], tuple(-cent[c])))
        self.kmeans_ = km
        self._relabel = np.empty(self.k_, dtype=np.int64)
        self._relabel[order] = np.arange(self.k_)
        self.centroids_ = pd.DataFrame(cent[order], columns=list(VALUES))
        self.centroids_.index.name = "persona"
        self.names_ = [self._name(i, self.centroids_.iloc[i]) for i in range(self.k_)]
        return self

    def _name(self, i: int, c: pd.Series) -> str:
        hi = [v for v in c.sort_values(ascending=False).index if c[v] >= self.name_threshold]
        if hi:
            return f"P{i + 1} high " + "+".join(hi[:2])
        if (c <= -self.name_threshold / 2).all():
            return f"P{i + 1} quiet (low on all)"
        return f"P{i + 1} average"

    def _check(self):
        if not hasattr(self, "kmeans_"):
            raise NotFittedError("FiveValuePersonas is not fitted")

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Persona number (0 = largest) per row of ``X`` (same index)."""
        self._check()
        lab = self.kmeans_.predict(self.scaler_.transform(self._prep(X)))
        return pd.Series(self._relabel[lab], index=X.index, name="persona")

    def standardised(self, X: pd.DataFrame) -> pd.DataFrame:
        """The five values of ``X`` as the personas see them (log, standardised), same index."""
        self._check()
        return pd.DataFrame(
            self.scaler_.transform(self._prep(X)), index=X.index, columns=list(VALUES)
        )

    def persona_names(self, labels: pd.Series) -> pd.Series:
        self._check()
        return pd.Series(
            pd.Categorical.from_codes(labels.to_numpy(), categories=self.names_),
            index=labels.index,
            name="persona_name",
        )

    @property
    def summary(self) -> pd.DataFrame:
        """Centroids (standardised units) with the persona names."""
        self._check()
        out = self.centroids_.copy()
        out.insert(0, "name", self.names_)
        return out

    def __repr__(self) -> str:
        head = (
            f"FiveValuePersonas(k={self.k!r}, criterion={self.criterion!r}, "
            f"random_state={self.random_state!r})"
        )
        if hasattr(self, "k_"):
            return f"{head}: {self.k_} personas"
        return head + ": not fitted"


def group_summary(
    groups: pd.Series,
    *,
    retained: pd.Series | None = None,
    spend: pd.Series | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """One row per group (segment, tier, persona, ...): ``users``, ``share`` and, when given,
    ``retention`` with a Wilson interval (``retention_n`` users with a label) and
    ``mean_spend``. All inputs are aligned on the user index; the groups' categories (if
    categorical) fix the row order, empty groups included."""
    lab = pd.Series(groups, name="group")
    cats = (
        list(lab.cat.categories)
        if isinstance(lab.dtype, pd.CategoricalDtype)
        else sorted(lab.dropna().unique())
    )
    size = lab.value_counts().reindex(cats, fill_value=0)
    out = pd.DataFrame({"users": size.astype("int64")})
    out.index.name = lab.name if lab.name != "group" else "group"
    out["share"] = out["users"] / max(int(out["users"].sum()), 1)
    if retained is not None:
        r = pd.Series(retained).reindex(lab.index)
        ok = r.notna().to_numpy()
        rr, ll = r[ok].astype(float), lab[ok]
        k = rr.groupby(ll, observed=False).sum().reindex(cats, fill_value=0).to_numpy()
        n = rr.groupby(ll, observed=False).size().reindex(cats, fill_value=0).to_numpy()
        lo, hi = wilson_interval(k, n, ci=ci)
        out["retention_n"] = n
        out["retention"] = np.where(n > 0, k / np.maximum(n, 1), np.nan)
        out["retention_lo"], out["retention_hi"] = lo, hi
    if spend is not None:
        sp = pd.Series(spend, dtype="float64").reindex(lab.index)
        out["mean_spend"] = sp.groupby(lab, observed=False).mean().reindex(cats).to_numpy()
    return out


def persona_profile(
    values: pd.DataFrame,
    labels: pd.Series,
    *,
    names: Sequence[str] | None = None,
    retained: pd.Series | None = None,
    spend: pd.Series | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """One row per persona: size, share, mean of each raw value, and (when given) the
    retention rate with a Wilson interval and mean spend. ``values``, ``labels``,
    ``retained`` and ``spend`` are aligned on the user index."""
    lab = pd.Series(labels, name="persona")
    df = values[list(VALUES)].reindex(lab.index)
    means = df.groupby(lab, sort=True).mean().add_prefix("mean_")
    out = group_summary(lab, retained=retained, spend=spend, ci=ci)
    out.index.name = "persona"
    out = out.join(means)
    if names is not None:
        out.insert(0, "name", [names[i] for i in out.index])
    return out
