"""Pareto/NBD's log-likelihood as lifetimes computes it, with its costly terms computed once per
distinct value instead of once per customer pattern.

lifetimes' ``ParetoNBDFitter`` fits by Nelder–Mead: hundreds of evaluations of the
log-likelihood of every (frequency, recency, T) pattern, each with two Gauss hypergeometric
functions (``hyp2f1``, most of the time). The first depends on a pattern only through
(frequency, recency), the second through (frequency, T), and ``gammaln(r + x)`` through the
frequency alone; on large data there are several times fewer such pairs than patterns. Here
those terms are computed on the distinct pairs and gathered, with every other operation the
same as lifetimes' in the same order, so each pattern's value is bit for bit lifetimes' (tested)
and Nelder–Mead takes the same path to the same parameters, only faster.

:func:`pareto_fitter` makes the fitter class from lifetimes' own (this module does not import
lifetimes: :mod:`analysis.studies.ltv` is its only door).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import gammaln, hyp2f1, logsumexp


def distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct combination of ``columns`` (in order of appearance) and
    each row's group (its position among them)."""
    codes = pd.DataFrame(dict(enumerate(columns))).groupby(list(range(len(columns))), sort=False)
    inverse = codes.ngroup().to_numpy()
    first = np.unique(inverse, return_index=True)[1]
    return first, inverse


@dataclass(frozen=True)
class PatternIndex:
    """Distinct frequencies, (frequency, recency) and (frequency, T) pairs of a set of patterns:
    for each, the first pattern of every distinct value (``*_first``) and every pattern's
    value (``*_inverse``)."""

    x_first: np.ndarray
    x_inverse: np.ndarray
    rec_first: np.ndarray
    rec_inverse: np.ndarray
    age_first: np.ndarray
    age_inverse: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> PatternIndex:
        return cls(*distinct_rows(x), *distinct_rows(x, t_x), *distinct_rows(x, T))


def _log_difference(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``log(exp(u) - exp(v))`` as lifetimes computes it (scipy's ``logsumexp`` of ``[u, v]``
    with weights ``[1, -1]``), with scipy 1.17's arithmetic done directly where ``u > v`` (it
    reduces to ``log1p(-exp(v - u)) + log(1) + u`` there) and scipy itself elsewhere: the
    generic ``logsumexp`` costs as much as all the rest of the likelihood."""
    out = np.empty_like(u)
    larger = u > v
    with np.errstate(invalid="ignore", over="ignore"):
        out[larger] = np.log1p(-np.exp(v[larger] - u[larger])) + 0.0 + u[larger]
    if not larger.all():
        other = ~larger
        ones = np.ones(int(other.sum()))
        out[other] = logsumexp([u[other], v[other]], axis=0, b=[ones, -ones])
    return out


def conditional_log_likelihood(
    params, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, index: PatternIndex | None = None
) -> np.ndarray:
    """Each pattern's Pareto/NBD log-likelihood (Fader & Hardie 2005 note, eq. 18), equal bit
    for bit to lifetimes' ``ParetoNBDFitter._conditional_log_likelihood``; ``index`` (of the
    same patterns, :meth:`PatternIndex.of`) saves building it on every call."""
    index = PatternIndex.of(x, t_x, T) if index is None else index
    r, alpha, s, beta = params
    ux = x[index.x_first]
    A_1 = (gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + s * np.log(beta))[index.x_inverse]
    if alpha < beta:
        min_ab, max_ab = alpha, beta
        t_rec, t_age = r + x[index.rec_first], r + x[index.age_first]
    else:
        min_ab, max_ab = beta, alpha
        t_rec = t_age = s + 1
    abs_ab = max_ab - min_ab
    rec_i, age_i = index.rec_inverse, index.age_inverse
    x_rec, rec = x[index.rec_first], t_x[index.rec_first]
    x_age, age = x[index.age_first], T[index.age_first]
    rsf_rec, rsf_age = r + s + x_rec, r + s + x_age
    q_1, q_2 = max_ab + rec, max_ab + age  # per (x, recency) and (x, T)
    log_p_1 = np.log(hyp2f1(rsf_rec, t_rec, rsf_rec + 1.0, abs_ab / q_1))
    log_p_2 = np.log(hyp2f1(rsf_age, t_age, rsf_age + 1.0, abs_ab / q_2))
    rsf = r + s + x
    log_A_0 = _log_difference(
        log_p_1[rec_i] + (rsf_age * np.log(q_2))[age_i],
        log_p_2[age_i] + (rsf_rec * np.log(q_1))[rec_i],
    ) - rsf * np.log(q_1[rec_i] * q_2[age_i])
    A_2 = np.logaddexp(
        (-(r + x_age) * np.log(alpha + age) - s * np.log(beta + age))[age_i],
        np.log(s) + log_A_0 - np.log(r + s + ux)[index.x_inverse],
    )
    return A_1 + A_2


def pareto_fitter(base: type) -> type:
    """lifetimes' ``ParetoNBDFitter`` (``base``) with :func:`conditional_log_likelihood` in its
    objective (the index built once per fit)."""

    class FastParetoNBDFitter(base):
        _index_of: tuple = ()

        def _negative_log_likelihood(self, params, freq, rec, T, weights, penalizer_coef):
            if np.any(np.asarray(params) <= 0.0):
                return np.inf
            of = self._index_of
            if not of or of[0] is not freq or of[1] is not rec or of[2] is not T:
                self._index_of = of = (freq, rec, T, PatternIndex.of(freq, rec, T))
            ll = conditional_log_likelihood(params, freq, rec, T, of[3])
            penalizer_term = penalizer_coef * sum(np.asarray(params) ** 2)
            return -(weights * ll).sum() / weights.mean() + penalizer_term

    FastParetoNBDFitter.__name__ = FastParetoNBDFitter.__qualname__ = base.__name__
    return FastParetoNBDFitter
