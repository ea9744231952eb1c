"""Shared statistical helpers: fast AUC, bootstrap and paired-bootstrap AUC intervals,
binomial (Wilson) intervals.

All AUC functions take a binary outcome ``y`` (1 / True = the positive class, e.g. retained)
and a score where **higher means more likely positive**. Ties count one half (the
Mann–Whitney convention), so a constant score has AUC exactly 0.5.

Speed
-----
AUC is computed from ranks: the score is sorted once, equal scores are grouped, and the
weighted AUC is then a pair of ``np.bincount`` calls and a cumulative sum — O(n) per
evaluation. The bootstrap re-weights users instead of re-sorting them: a bootstrap sample
is a vector of multinomial counts (how often each user was drawn), and the AUC of the
resample equals the count-weighted AUC of the original data. One set of counts is shared by
every score in a replicate, which is what makes the paired bootstrap paired. On 1M users one
replicate costs a few tens of milliseconds per score.

Typical use::

    from analysis.studies.stats import auc, bootstrap_auc, paired_bootstrap_auc, wilson_interval

    auc(y, score)                                   # float
    bootstrap_auc(y, score, n_boot=1000, random_state=0)   # Series: auc, lo, hi, se, ...
    paired_bootstrap_auc(y, {"index": s1, "spend": s2}, reference="index", random_state=0)
    wilson_interval(successes, trials)              # (lo, hi) arrays
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from analysis.progress import progress

__all__ = [
    "auc",
    "AucRanker",
    "bootstrap_counts",
    "bootstrap_auc_samples",
    "bootstrap_auc",
    "paired_bootstrap_auc",
    "percentile_interval",
    "wilson_interval",
    "expected_auc",
]


def _rng(random_state) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def _as_binary(y) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {arr.shape}")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"y must be boolean or 0/1 numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError("y contains missing values")
    uniq = np.unique(arr)
    if not np.isin(uniq, (0, 1)).all():
        raise ValueError(f"y must hold only 0/1 (or booleans), got values {uniq[:5].tolist()}")
    return arr.astype(bool)


def _as_score(score, n: int, name: str = "score") -> np.ndarray:
    arr = np.asarray(score, dtype="float64")
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) like y, got {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains missing values (NaN)")
    return arr


def vdot(a: np.ndarray, b: np.ndarray) -> float:
    """The dot product of two 1-D arrays without BLAS: ``np.dot`` hands vectors of more than
    ~10,000 entries to OpenBLAS's threads, whose start-up and spinning cost ~40 times the sum
    itself on a busy machine (a bootstrap calls it thousands of times). Numpy's own
    (pairwise) sum of the products; equal to ``np.dot`` up to rounding."""
    return float(np.add.reduce(a * b))


class AucRanker:
    """One score's ranks against a binary outcome, prepared for fast repeated AUCs.

    ``AucRanker(y, score).auc(weights)`` is the weighted AUC (each user counted ``weights[i]``
    times; ``None`` = once). Building it sorts the score once (O(n log n)); each evaluation is
    O(n). Used by the bootstrap helpers; public so other studies can reuse it.

    ``max_groups`` coarsens a score with more distinct values than that into about
    ``max_groups`` quantile bins (equal scores stay together). The AUC then counts pairs in
    one bin as ties, which moves it by at most about ``1 / (2 max_groups)``; the bootstrap
    uses it only for the spread of the replicates (see :func:`bootstrap_auc_samples`).
    """

    def __init__(self, y, score, *, max_groups: int | None = None):
        yb = _as_binary(y)
        s = _as_score(score, yb.shape[0])
        order = np.argsort(s, kind="stable")
        ss = s[order]
        new = np.empty(ss.shape[0], dtype=bool)
        if ss.shape[0]:
            new[0] = True
            np.not_equal(ss[1:], ss[:-1], out=new[1:])
        g_sorted = np.cumsum(new) - 1
        self.coarsened = bool(
            max_groups is not None and ss.shape[0] and g_sorted[-1] + 1 > max_groups
        )
        self.n = yb.shape[0]
        self.pos_idx = np.flatnonzero(yb)
        self.neg_idx = np.flatnonzero(~yb)
        #: when coarsened, the AUC of the score itself (what :func:`auc` returns, from the
        #: same sort); else NaN (then :meth:`auc` is that AUC)
        self.exact_auc = float("nan")
        if self.coarsened:
            group = np.empty_like(g_sorted)
            group[order] = g_sorted
            self.n_groups = int(g_sorted[-1] + 1)
            self.g_pos, self.g_neg = group[self.pos_idx], group[self.neg_idx]
            self.exact_auc = self.auc()
            # quantile bins of about n / max_groups users; equal scores stay in one bin
            first_pos = np.flatnonzero(new)[g_sorted]  # position of each user's tie group
            g_sorted = (first_pos * max_groups) // ss.shape[0]
            g_sorted = np.cumsum(np.r_[True, g_sorted[1:] != g_sorted[:-1]]) - 1
        group = np.empty_like(g_sorted)
        group[order] = g_sorted
        self.n_groups = int(g_sorted[-1] + 1) if ss.shape[0] else 0
        self.g_pos = group[self.pos_idx]
        self.g_neg = group[self.neg_idx]

    def auc(self, weights: np.ndarray | None = None) -> float:
        if weights is None:
            return self._auc(None, None)
        return self._auc(weights[self.pos_idx], weights[self.neg_idx])

    def _auc(self, w_pos: np.ndarray | None, w_neg: np.ndarray | None) -> float:
        """AUC with the weights of the positives and of the negatives given separately (in
        the order of ``pos_idx`` / ``neg_idx``), so several rankers on the same ``y`` can
        share one gather per bootstrap replicate."""
        p = np.bincount(self.g_pos, weights=w_pos, minlength=self.n_groups).astype("float64")
        q = np.bincount(self.g_neg, weights=w_neg, minlength=self.n_groups).astype("float64")
        tot_p, tot_q = p.sum(), q.sum()
        if tot_p == 0 or tot_q == 0:
            return float("nan")
        below = np.cumsum(q) - q  # negatives with a strictly lower score
        return vdot(p, below + 0.5 * q) / (tot_p * tot_q)


def auc(y, score, *, sample_weight=None) -> float:
    """Area under the ROC curve of ``score`` for the binary outcome ``y``.

    Equals the probability that a random positive scores higher than a random negative,
    ties counting one half (Mann–Whitney U / (n_pos · n_neg)). ``sample_weight`` counts
    each user that many times. Raises ``ValueError`` when ``y`` has only one class.
    """
    r = AucRanker(y, score)
    if r.pos_idx.size == 0 or r.neg_idx.size == 0:
        raise ValueError("AUC is undefined: y has only one class")
    w = None if sample_weight is None else _as_score(sample_weight, r.n, "sample_weight")
    return r.auc(w)


def bootstrap_counts(n: int, *, random_state=None) -> np.ndarray:
    """How often each of ``n`` users is drawn in one bootstrap resample of size ``n``
    (multinomial counts; the AUC of a resample is the count-weighted AUC)."""
    rng = _rng(random_state)
    return np.bincount(rng.integers(0, n, size=n), minlength=n)


def bootstrap_auc_samples(
    y,
    scores,
    *,
    n_boot: int = 1000,
    random_state=None,
    n_jobs: int = 1,
    max_groups: int | None = 16_384,
) -> pd.DataFrame:
    """Bootstrap replicates of the AUC of one or several scores on the same users.

    ``scores``: a 1-D array (one score, column ``"score"``), a mapping name → array, or a
    DataFrame (one column per score). Returns a frame with ``n_boot`` rows and one column per
    score; every row uses one resample of users shared by all scores (paired). A replicate
    whose resample holds a single class is NaN (only possible on tiny data).

    Each replicate draws its resample from its own seed, taken from ``random_state``, so the
    result is the same for any ``n_jobs``. ``n_jobs > 1`` splits the replicates over that many
    forked worker processes (POSIX only; worth it from about a million users).

    Speed on large data: a score with more than ``max_groups`` distinct values is coarsened to
    that many quantile bins for the replicates (the counting then stays in the CPU cache, about
    three times faster on a million users), and every replicate is shifted by the difference
    between the exact and the coarsened AUC of the full data. The coarsening moves an AUC by
    at most about ``1 / (2 max_groups)`` (3e-5 by default) and its replicates by far less;
    ``max_groups=None`` computes every replicate exactly.
    """
    yb = _as_binary(y)
    named = _named_scores(scores)
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    rankers = [AucRanker(yb, v, max_groups=max_groups) for v in named.values()]
    shift = np.array([r.exact_auc - r.auc() if r.coarsened else 0.0 for r in rankers])
    seeds = _rng(random_state).integers(0, 2**63 - 1, size=n_boot)
    job = (rankers, yb.shape[0])
    if n_jobs is None or n_jobs <= 1 or n_boot < 2:
        # a bar only where it takes a while (about a second or more)
        out = _boot_chunk(job, seeds, show=yb.shape[0] * n_boot * len(rankers) > 2e8)
    else:
        import multiprocessing as mp

        key = id(job)
        _SHARED[key] = job
        try:
            chunks = [c for c in np.array_split(seeds, min(n_boot, 4 * n_jobs)) if c.size]
            with mp.get_context("fork").Pool(n_jobs) as pool:
                out = np.vstack(pool.starmap(_boot_shared, [(key, c) for c in chunks]))
        finally:
            _SHARED.pop(key, None)
    return pd.DataFrame(out + shift, columns=list(named))


_SHARED: dict[int, tuple] = {}  # inputs handed to forked workers (inherited, not pickled)


def _boot_shared(key: int, seeds: np.ndarray) -> np.ndarray:
    return _boot_chunk(_SHARED[key], seeds)


def _boot_chunk(job: tuple, seeds: np.ndarray, show: bool = False) -> np.ndarray:
    rankers, n = job
    pos_idx, neg_idx = rankers[0].pos_idx, rankers[0].neg_idx  # the same y for every ranker
    out = np.empty((seeds.size, len(rankers)))
    for b, seed in enumerate(progress(seeds, desc="bootstrap", enabled=show)):
        w = bootstrap_counts(n, random_state=np.random.default_rng(seed)).astype("float64")
        wp, wn = w[pos_idx], w[neg_idx]
        for j, r in enumerate(rankers):
            out[b, j] = r._auc(wp, wn)
    return out


def _named_scores(scores) -> dict[str, np.ndarray]:
    if isinstance(scores, pd.DataFrame):
        return {str(c): scores[c].to_numpy() for c in scores.columns}
    if isinstance(scores, Mapping):
        if not scores:
            raise ValueError("scores is empty")
        return {str(k): np.asarray(v) for k, v in scores.items()}
    return {"score": np.asarray(scores)}


def percentile_interval(samples, *, ci: float = 0.95) -> tuple[float, float]:
    """The equal-tailed percentile interval of bootstrap ``samples`` (NaNs ignored)."""
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci}")
    a = (1 - ci) / 2
    lo, hi = np.nanquantile(np.asarray(samples, dtype="float64"), [a, 1 - a])
    return float(lo), float(hi)


def bootstrap_auc(
    y,
    score,
    *,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state=None,
    n_jobs: int = 1,
    reps=None,
) -> pd.Series:
    """AUC with a percentile bootstrap interval (users resampled with replacement).

    Returns a Series: ``auc`` (on the full data), ``lo``, ``hi``, ``se`` (bootstrap standard
    deviation), ``n``, ``n_pos``, ``n_boot``, ``ci``. ``reps``: the score's replicates, when
    already drawn (a column of :func:`bootstrap_auc_samples` with the same ``y``, ``n_boot``
    and ``random_state``, e.g. shared with other scores on the same users): the result is
    the same, without drawing them again.
    """
    yb = _as_binary(y)
    point = auc(yb, score)
    if reps is None:
        reps = bootstrap_auc_samples(
            yb, score, n_boot=n_boot, random_state=random_state, n_jobs=n_jobs
        )["score"]
    elif len(reps) != n_boot:
        raise ValueError(f"reps has {len(reps)} replicates, n_boot is {n_boot}")
    lo, hi = percentile_interval(reps, ci=ci)
    return pd.Series(
        {
            "auc": point,
            "lo": lo,
            "hi": hi,
            "se": float(np.nanstd(reps, ddof=1)) if n_boot > 1 else float("nan"),
            "n": int(yb.size),
            "n_pos": int(yb.sum()),
            "n_boot": int(n_boot),
            "ci": float(ci),
        }
    )


def paired_bootstrap_auc(
    y,
    scores,
    *,
    reference: str,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state=None,
    n_jobs: int = 1,
    reps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """AUCs of several scores on the same users, each with its interval, and the paired
    difference ``auc(reference) − auc(score)`` with its interval.

    One row per score (the reference included, with a zero difference), columns: ``score``,
    ``auc``, ``lo``, ``hi``, ``diff`` (reference minus this score), ``diff_lo``, ``diff_hi``,
    ``p_value`` (two-sided bootstrap p-value of a zero difference: twice the smaller share
    of replicates on either side of zero, capped at 1), ``n``, ``n_boot``, ``ci``.
    ``n_jobs``: see :func:`bootstrap_auc_samples`. ``reps``: the replicates, when already
    drawn (:func:`bootstrap_auc_samples` with the same ``y``, ``n_boot`` and
    ``random_state``, a column for each score; it may hold more): the same table, without
    drawing them again.
    """
    yb = _as_binary(y)
    named = _named_scores(scores)
    if reference not in named:
        raise ValueError(f"reference {reference!r} is not one of the scores {list(named)}")
    if reps is None:
        reps = bootstrap_auc_samples(
            yb, named, n_boot=n_boot, random_state=random_state, n_jobs=n_jobs
        )
    elif len(reps) != n_boot or any(k not in reps.columns for k in named):
        raise ValueError(f"reps must hold {n_boot} replicates of each of {list(named)}")
    points = {name: auc(yb, s) for name, s in named.items()}  # (one sort per score)
    rows = []
    for name in named:
        point = points[name]
        lo, hi = percentile_interval(reps[name], ci=ci)
        d = (reps[reference] - reps[name]).to_numpy()
        if name == reference:
            dlo = dhi = 0.0
            p = 1.0
        else:
            dlo, dhi = percentile_interval(d, ci=ci)
            ok = d[~np.isnan(d)]
            p = float(min(1.0, 2 * min((ok <= 0).mean(), (ok >= 0).mean()))) if ok.size else np.nan
        rows.append(
            {
                "score": name,
                "auc": point,
                "lo": lo,
                "hi": hi,
                "diff": points[reference] - point,
                "diff_lo": dlo,
                "diff_hi": dhi,
                "p_value": p,
                "n": int(yb.size),
                "n_boot": int(n_boot),
                "ci": float(ci),
            }
        )
    return pd.DataFrame(rows)


def wilson_interval(successes, trials, *, ci: float = 0.95):
    """Wilson score interval for binomial proportions (vectorised; via statsmodels).

    ``successes`` and ``trials`` are scalars or arrays of equal shape. Returns ``(lo, hi)``
    (floats for scalar input, arrays otherwise). ``trials == 0`` gives NaN.
    """
    from statsmodels.stats.proportion import proportion_confint

    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci}")
    k = np.asarray(successes, dtype="float64")
    n = np.asarray(trials, dtype="float64")
    if np.any(k < 0) or np.any(k > n):
        raise ValueError("successes must lie between 0 and trials")
    safe = np.where(n > 0, n, 1.0)
    lo, hi = proportion_confint(k, safe, alpha=1 - ci, method="wilson")
    lo = np.where(n > 0, lo, np.nan)
    hi = np.where(n > 0, hi, np.nan)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def expected_auc(prob, score) -> float:
    """The AUC ``score`` is expected to reach when each user's outcome is an independent
    Bernoulli(``prob[i]``) draw — the "true" AUC of a score on these users when the outcome
    probabilities are known (e.g. from a simulator).

    It is E[U] / E[n_pos · n_neg] over pairs of distinct users:
    Σ_{i≠j} p_i (1 − p_j) (1[s_i > s_j] + ½·1[s_i = s_j]) / Σ_{i≠j} p_i (1 − p_j),
    computed in O(n log n). The AUC observed on one draw of outcomes estimates it.
    """
    p = np.asarray(prob, dtype="float64")
    if p.ndim != 1 or np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("prob must be a 1-D array of probabilities in [0, 1]")
    s = _as_score(score, p.size)
    order = np.argsort(s, kind="stable")
    ss = s[order]
    new = np.ones(ss.size, dtype=bool)
    new[1:] = ss[1:] != ss[:-1]
    g = np.cumsum(new) - 1
    P = np.bincount(g, weights=p[order])
    Q = np.bincount(g, weights=1 - p[order])
    self_pairs = float(np.sum(p * (1 - p)))
    num = vdot(P, np.cumsum(Q) - Q + 0.5 * Q) - 0.5 * self_pairs
    den = float(P.sum() * Q.sum()) - self_pairs
    if den <= 0:
        raise ValueError("expected AUC is undefined: all probabilities are 0 or all are 1")
    return num / den


def newcombe_interval(k1, n1, k2, n2, *, ci: float = 0.95):
    """Newcombe's hybrid-score interval for ``k1/n1 − k2/n2`` (vectorised).

    ``lo = d − √((p1 − l1)² + (u2 − p2)²)``, ``hi = d + √((u1 − p1)² + (p2 − l2)²)`` with
    ``(l, u)`` the Wilson intervals of each proportion. Returns ``(lo, hi)``; NaN where a
    group is empty.
    """
    k1, n1, k2, n2 = (np.asarray(a, dtype="float64") for a in (k1, n1, k2, n2))
    l1, u1 = wilson_interval(k1, n1, ci=ci)
    l2, u2 = wilson_interval(k2, n2, ci=ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = np.where(n1 > 0, k1 / np.where(n1 > 0, n1, 1), np.nan)
        p2 = np.where(n2 > 0, k2 / np.where(n2 > 0, n2, 1), np.nan)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return lo, hi


class ScoreRanking:
    """One score sorted once (descending), for O(n) weighted PR AUC and top-k% shares."""

    def __init__(self, y: np.ndarray, score: np.ndarray):
        order = np.argsort(-score, kind="stable")
        self.order = order
        s = score[order]
        self.y = y[order].astype("float64")
        last = np.ones(s.size, dtype=bool)  # last position of each group of equal scores
        last[:-1] = s[1:] != s[:-1]
        self.last = np.flatnonzero(last)

    def curves(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cumulative weight and cumulative weighted positives, riskiest first."""
        ws = w[self.order]
        return np.cumsum(ws), np.cumsum(ws * self.y)

    def pr_auc(self, w: np.ndarray, curves=None) -> float:
        """Average precision (sklearn's step-wise definition), ties as one threshold."""
        cw, cp = self.curves(w) if curves is None else curves
        tp, al = cp[self.last], cw[self.last]
        if tp[-1] <= 0:
            return float("nan")
        precision = np.divide(tp, al, out=np.zeros_like(tp), where=al > 0)
        recall = tp / tp[-1]
        return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))

    def top_share(self, w: np.ndarray, fraction: float, curves=None) -> tuple[float, float]:
        """(gain, lift) of the top ``fraction`` of (weighted) users by score."""
        cw, cp = self.curves(w) if curves is None else curves
        total, pos = cw[-1], cp[-1]
        k = max(int(np.searchsorted(cw, fraction * total, side="right")), 1)
        taken_w, taken_pos = cw[k - 1], cp[k - 1]
        if pos <= 0 or taken_w <= 0:
            return float("nan"), float("nan")
        return taken_pos / pos, (taken_pos / taken_w) / (pos / total)
