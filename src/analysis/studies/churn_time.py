"""Time to churn with two ways to leave: hard churn (deleting the contact) and going silent
compete (:func:`analysis.aggregate.departures.departures` says which came first).

* :func:`cumulative_incidence` — the Aalen–Johansen cumulative incidence of each cause, by
  group (statsmodels' :class:`~statsmodels.duration.survfunc.CumIncidenceRight`): the
  probability of having left *by that route* by day ``t``, accounting for the other route
  (one minus a Kaplan–Meier curve that censors the other cause would overstate it).
* :func:`cause_specific_hazards` — Cox models of each cause's hazard with the other cause
  censored (the model of statsmodels' :class:`~statsmodels.duration.hazard_regression.PHReg`,
  Breslow ties, fitted by :func:`cox_breslow` / :func:`cox_breslow_users`): log hazard
  ratios with Wald intervals. A covariate can speed one route and not the other (coupon
  hunters may delete; quiet members fade).

:func:`competing_risks` puts both on a landmark population with its channel, hook and
five-value tier at the landmark (features read before it) as a :class:`CompetingRisksResult`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.aggregate.departures import CAUSES, departures
from analysis.engine.core import fresh_index
from analysis.i18n import LIST_SEP, say, tr
from analysis.plots.churn import plot_cumulative_incidence
from analysis.reuse import reused
from analysis.studies.result import StudyResult

#: Reader's name of each grouping (Chinese in :mod:`analysis.i18n.churn`).
BY = {"all": "all", "channel": "channel", "hook": "hook", "value_tier": "value tier"}


def cumulative_incidence(
    dep: pd.DataFrame,
    *,
    groups: pd.Series | None = None,
    ci: float = 0.95,
    min_users: int = 30,
) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of each cause in ``dep`` (``days``, ``status``
    coded by :data:`CAUSES`), overall or per level of ``groups`` (aligned with ``dep``;
    levels with fewer than ``min_users`` users are left out). Tidy: ``group``, ``cause``,
    ``days`` (each distinct event time, starting at 0), ``cif``, ``lo``, ``hi`` (normal
    interval from the estimator's standard error, clipped to [0, 1]), ``n`` (users in the
    group)."""
    from scipy import stats as sst
    from statsmodels.duration.survfunc import CumIncidenceRight

    z = sst.norm.ppf(1 - (1 - ci) / 2)
    g = (
        pd.Series("all", index=dep.index)
        if groups is None
        else pd.Series(np.asarray(groups), index=dep.index).astype("str")
    )
    rows = []
    for level in sorted(g.unique()):
        d = dep.loc[(g == level).to_numpy()]
        if len(d) < min_users or not (d["status"] > 0).any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            fit = CumIncidenceRight(
                d["days"].to_numpy(dtype="float64"), d["status"].to_numpy(dtype="int64")
            )
        for cause, code in CAUSES.items():
            if code > len(fit.cinc):
                continue
            cif = np.r_[0.0, fit.cinc[code - 1]]
            se = np.nan_to_num(np.r_[0.0, fit.cinc_se[code - 1]], nan=0.0)
            rows.append(
                pd.DataFrame(
                    {
                        "group": level,
                        "cause": cause,
                        "days": np.r_[0.0, fit.times],
                        "cif": cif,
                        "lo": np.clip(cif - z * se, 0, 1),
                        "hi": np.clip(cif + z * se, 0, 1),
                        "n": len(d),
                    }
                )
            )
    cols = ["group", "cause", "days", "cif", "lo", "hi", "n"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)


def cif_at(table: pd.DataFrame, days: float) -> pd.DataFrame:
    """The cumulative incidence of each group and cause at ``days`` (the step at or before
    it). Columns ``group``, ``cause``, ``cif``, ``lo``, ``hi``, ``n``."""
    t = table.loc[table["days"] <= days]
    return t.groupby(["group", "cause"], sort=False).tail(1).drop(columns="days")


#: Distinct covariate rows up to which :func:`cox_breslow` fits on the counts of each row and
#: time (dummies of one grouping: a handful); beyond, :func:`cox_breslow_users` on every user.
GROUPED_COX_MAX_ROWS = 256


def cox_breslow(
    durations: np.ndarray, status: np.ndarray, X: np.ndarray, *, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray]:
    """Cox proportional-hazards coefficients and standard errors (Breslow ties) of users
    with few distinct covariate rows — the same model as statsmodels'
    ``PHReg(durations, X, status=status, ties="breslow")``, fitted on counts.

    Users with the same row of ``X`` share a linear predictor, so the partial likelihood
    needs only, per distinct row ``g`` and event time ``t``, the events ``d_gt`` and the
    users still at risk ``R_gt`` (time ≥ t). PHReg walks its risk sets in Python once per
    event time and Newton step over every user (minutes on a million); here each step is a
    few array operations on a (rows × event times) table. Newton–Raphson from zero to a
    gradient below ``tol`` (relative); the standard errors are those of the observed
    information. Returns ``(params, bse)``."""
    X = np.asarray(X, dtype="float64")
    dur = np.asarray(durations, dtype="float64")
    ev = np.asarray(status).astype(bool)
    rows, g = np.unique(X, axis=0, return_inverse=True)
    g = g.ravel()
    times = np.unique(dur[ev])
    k = rows.shape[1]
    if k == 0:  # no covariate (one level only): nothing to fit, as PHReg returns
        return np.empty(0), np.empty(0)
    if times.size == 0:
        return np.full(k, np.nan), np.full(k, np.nan)
    n_rows, n_times = rows.shape[0], times.size
    # events at each event time, and the events' covariate sums (events of each row)
    d_t = np.bincount(np.searchsorted(times, dur[ev]), minlength=n_times).astype("float64")
    xd = rows.T @ np.bincount(g[ev], minlength=n_rows).astype("float64")
    # users of each row at risk at each event time (time >= t): a user with time u is at risk
    # at every event time t <= u, so count users by the last event time at or before u, then
    # sum from the right
    last = np.searchsorted(times, dur, side="right") - 1
    keep = last >= 0
    flat = g[keep] * n_times + last[keep]
    at = np.bincount(flat, minlength=n_rows * n_times).astype("float64")
    risk = np.cumsum(at.reshape(n_rows, n_times)[:, ::-1], axis=1)[:, ::-1]
    del at, flat
    beta = np.zeros(k)

    # arrays of (rows or covariates) x event times only: at 5M contacts there are ~1M event
    # times, and a (times x k x k) array or a weighted copy of ``risk`` per step cost GBs
    def parts(b):
        e = np.exp(rows @ b)  # each row's relative hazard
        s0 = e @ risk
        m = ((rows * e[:, None]).T @ risk) / s0  # k x times
        grad = xd - m @ d_t
        # sum_t d_t (S2(t) / S0(t) - m_t m_t'): S2's rows weighted by each row's sum over the
        # times of e risk d_t / S0
        c = e * (risk @ (d_t / s0))
        info = (rows * c[:, None]).T @ rows - (m * d_t) @ m.T
        return grad, info

    for _ in range(100):  # a level without events drifts off (as in PHReg): hr ~ 0, wide
        grad, info = parts(beta)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        beta = beta + step
        if np.max(np.abs(step)) < tol * max(1.0, np.max(np.abs(beta))):
            break
    _, info = parts(beta)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return beta, np.full(k, np.inf)
    return beta, np.sqrt(np.abs(np.diag(cov)))


def cox_breslow_users(
    durations: np.ndarray, status: np.ndarray, X: np.ndarray, *, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cox_breslow` for any covariates (continuous ones too), one row per user — the
    same model as statsmodels' ``PHReg(durations, X, status=status, ties="breslow")``.

    The users sorted by time, latest first, make every risk set (time >= t) a prefix, so
    each Newton step is a few cumulative sums: ``S0`` and ``S1`` at each event time, and
    the information's ``sum_t d_t S2(t) / S0(t)`` as ``X' diag(w c) X`` with ``c`` each
    user's sum of ``d_t / S0(t)`` over the event times at which they are at risk. PHReg
    walks the risk sets in Python (about 18 s per cause at a million users). Newton–Raphson
    from zero, halving a step that lowers the partial likelihood, to a step below ``tol``
    (relative); standard errors from the observed information. Returns ``(params, bse)``."""
    X = np.asarray(X, dtype="float64")
    dur = np.asarray(durations, dtype="float64")
    ev = np.asarray(status).astype(bool)
    k = X.shape[1]
    if k == 0:
        return np.empty(0), np.empty(0)
    if not ev.any():
        return np.full(k, np.nan), np.full(k, np.nan)
    order = np.argsort(-dur, kind="stable")
    Xs, ds, es = X[order], dur[order], ev[order].astype("float64")
    starts = np.r_[0, np.flatnonzero(ds[1:] != ds[:-1]) + 1]  # tie groups, latest first
    ends = np.r_[starts[1:], len(ds)] - 1
    d_g = np.add.reduceat(es, starts)  # events of each time
    group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, len(ds)]))
    xd = Xs[es > 0].sum(axis=0)

    def parts(b):
        eta = Xs @ b
        eta -= eta.max()  # the shift cancels in every ratio and in the likelihood
        w = np.exp(eta)
        s0 = np.cumsum(w)[ends]
        s1 = np.cumsum(w[:, None] * Xs, axis=0)[ends]
        m = s1 / s0[:, None]
        grad = xd - (m * d_g[:, None]).sum(axis=0)
        a = d_g / s0  # at risk at a group's time and at every earlier one: a suffix sum
        c = np.cumsum(a[::-1])[::-1][group]
        info = (Xs * (w * c)[:, None]).T @ Xs - (m * d_g[:, None]).T @ m
        loglik = float(es @ eta - d_g @ np.log(s0))
        return grad, info, loglik

    beta = np.zeros(k)
    grad, info, ll = parts(beta)
    for _ in range(100):
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            break
        for _ in range(30):  # halve a step that lowers the likelihood
            g2, i2, l2 = parts(beta + step)
            if l2 >= ll - 1e-12 * abs(ll) or not np.isfinite(ll):
                break
            step = step / 2
        beta, grad, info, ll = beta + step, g2, i2, l2
        if np.max(np.abs(step)) < tol * max(1.0, np.max(np.abs(beta))):
            break
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return beta, np.full(k, np.inf)
    return beta, np.sqrt(np.abs(np.diag(cov)))


def cause_specific_hazards(
    dep: pd.DataFrame,
    covariates: pd.DataFrame,
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Cox log hazard ratios of each cause with the other cause censored.

    ``covariates``: numeric columns aligned with ``dep`` (dummies against a reference level,
    standardised scores, flags). Tidy: ``cause``, ``term``, ``log_hr``, ``se``, ``lo``,
    ``hi`` (Wald), ``hr``, ``events`` (of that cause), ``n``. Covariates with at most
    :data:`GROUPED_COX_MAX_ROWS` distinct rows are fitted on counts (:func:`cox_breslow`),
    others per user (:func:`cox_breslow_users`): the same estimates as PHReg, to the
    optimiser's tolerance."""
    from scipy import stats as sst

    X = covariates.to_numpy(dtype="float64")
    if len(X) != len(dep):
        raise ValueError(f"covariates have {len(X)} rows, departures {len(dep)}")
    z = sst.norm.ppf(1 - (1 - ci) / 2)
    dur = dep["days"].to_numpy(dtype="float64").clip(min=0.5)
    grouped = len(np.unique(X, axis=0)) <= GROUPED_COX_MAX_ROWS
    out = []
    for cause, code in CAUSES.items():
        status = (dep["status"].to_numpy() == code).astype(int)
        if grouped:  # the same model on counts (dummies of one grouping)
            b, se = cox_breslow(dur, status, X)
        else:
            b, se = cox_breslow_users(dur, status, X)
        out.append(
            pd.DataFrame(
                {
                    "cause": cause,
                    "term": list(covariates.columns),
                    "log_hr": b,
                    "se": se,
                    "lo": b - z * se,
                    "hi": b + z * se,
                    "hr": np.exp(b),
                    "events": int(status.sum()),
                    "n": len(dep),
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def dummies(levels: pd.Series, *, reference: str | None = None, prefix: str) -> pd.DataFrame:
    """One 0/1 column per level of ``levels`` but the ``reference`` (default: the largest
    level), named ``prefix=level``."""
    s = pd.Series(np.asarray(levels), index=levels.index).astype("str")
    ref = reference if reference is not None else str(s.value_counts().index[0])
    if ref not in set(s):
        raise ValueError(f"reference {ref!r} is not a level of {prefix!r}")
    cols = {f"{prefix}={lv}": (s == lv).astype("float64") for lv in sorted(set(s)) if lv != ref}
    out = pd.DataFrame(cols, index=s.index)
    out.attrs["reference"] = ref
    return out


@dataclass(frozen=True)
class CompetingRisksResult(StudyResult):
    """Cumulative incidence by group (``table``: tidy, with a ``by`` column naming the
    grouping), cause-specific hazard ratios (``hazards``, ``by`` per grouping, against each
    grouping's ``references``) and the departures themselves (``departures``)."""

    hazards: pd.DataFrame | None = None
    departures: pd.DataFrame | None = None
    references: dict | None = None
    since: str = ""
    end: str = ""
    silent_days: float = 90
    at_days: float = 180

    def counts(self) -> pd.Series:
        return self.departures["cause"].value_counts().reindex(["hard", "silent", "censored"])

    def reading(self, lang: str = "en") -> str:
        c = self.counts().fillna(0).astype(int)
        overall = cif_at(self.table.loc[self.table["by"] == "all"], self.at_days).set_index("cause")
        h = self.hazards
        sig = h.loc[(h["lo"] > 0) | (h["hi"] < 0)]
        items = LIST_SEP[lang].join(
            say(
                "churn.cr_item",
                lang,
                term=tr(r.level, lang),
                by=tr(BY[r.by], lang),
                cause=tr(r.cause, lang),
                hr=r.hr,
                lo=np.exp(r.lo),
                hi=np.exp(r.hi),
            )
            for r in sig.sort_values("log_hr", key=np.abs, ascending=False).head(4).itertuples()
        )
        return say(
            "churn.cr",
            lang,
            since=self.since,
            end=self.end,
            n=len(self.departures),
            hard=c["hard"],
            silent=c["silent"],
            days=self.at_days,
            silent_days=self.silent_days,
            cif_hard=overall.loc["hard", "cif"],
            cif_silent=overall.loc["silent", "cif"],
            items=items if items else say("churn.cr_none", lang),
        )

    def plot(self, *, ax=None, lang: str = "en", by: str = "channel", cause: str = "hard"):
        t = self.table.loc[self.table["by"] == by]
        return plot_cumulative_incidence(
            t,
            ax=ax,
            cause=cause,
            title=say("churn.plot.cif_title", lang, cause=tr(cause, lang), by=tr(by, lang)),
            lang=lang,
        )


def competing_risks(
    frame: pd.DataFrame,
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    since,
    end,
    silent_days: float = 90,
    value_tier: pd.Series,
    activity: str = "any",
    at_days: float = 180,
    vocabulary=None,
) -> CompetingRisksResult:
    """Departures after the landmark ``since`` until ``end`` of the users of ``frame`` (a
    feature table at ``since``: channel, hook), with their ``value_tier`` at ``since``
    (indexed by user): cumulative incidence overall and by channel, hook and value tier, and
    cause-specific hazard ratios of each grouping (one Cox model per grouping and cause:
    marginal effects)."""
    dep = departures(
        contacts,
        events,
        orders,
        since=since,
        end=end,
        silent_days=silent_days,
        activity=activity,
        vocabulary=vocabulary,
    )
    dep = dep.loc[dep["user_id"].isin(frame.index)].reset_index(drop=True)
    ids = dep["user_id"]

    def looked_up(values) -> pd.Series:  # (on a copy of the index: frame's keeps no table)
        s = pd.Series(values)
        s = pd.Series(s.array, index=fresh_index(s.index)).reindex(ids)
        return s.astype("str").reset_index(drop=True)

    by = {
        "channel": looked_up(frame["channel"]),
        "hook": looked_up(frame["hook"]),
        "value_tier": looked_up(value_tier),
    }
    tabs = [cumulative_incidence(dep).assign(by="all")]
    hz, refs = [], {}
    for name, g in by.items():
        tabs.append(cumulative_incidence(dep, groups=g).assign(by=name))
        X = dummies(g, prefix=name)
        refs[name] = X.attrs["reference"]
        h = cause_specific_hazards(dep, X)
        h.insert(0, "by", name)
        h.insert(2, "level", h["term"].astype("str").str.split("=", n=1).str[1])
        hz.append(h.drop(columns="term"))
    return CompetingRisksResult(
        pd.concat(tabs, ignore_index=True),
        hazards=pd.concat(hz, ignore_index=True),
        departures=dep,
        references=refs,
        since=pd.Timestamp(since).date().isoformat(),
        end=pd.Timestamp(end).date().isoformat(),
        silent_days=silent_days,
        at_days=at_days,
    )


@reused
def competing_risks_at(
    contacts: pd.DataFrame,
    events: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    since,
    end,
    definition,
    weights="expansion",
    at_days: float = 180,
    vocabulary=None,
    frame: pd.DataFrame | None = None,
) -> CompetingRisksResult:
    """:func:`competing_risks` for the customers at the landmark ``since`` (the as-of
    population of :func:`~analysis.studies.churn_asof.current_population` under
    ``definition``), grouped by channel, hook and the five-value tier at ``since``
    (:func:`~analysis.studies.segments.value_tiers` of the index normalised on that
    population); silence is ``definition.lost_after_days`` (90 when None).

    ``frame``: that population's feature table when the caller has it already (e.g. the
    as-of design's training frame, :attr:`ChurnAsOf.frames` ``["train"]`` with ``since`` its
    cut-off: the same users and features), so the data is not read again for it."""
    from analysis.studies.churn_asof import current_population
    from analysis.studies.churn_list import value_index
    from analysis.studies.segments import value_tiers

    if frame is None:
        frame = current_population(
            contacts, events, orders, as_of=since, definition=definition, vocabulary=vocabulary
        )
    tier = value_tiers(value_index(frame, frame, weights=weights))["tier"].astype("str")
    silent = definition.lost_after_days if definition.lost_after_days is not None else 90
    return competing_risks(
        frame,
        contacts,
        events,
        orders,
        since=since,
        end=end,
        silent_days=silent,
        value_tier=tier,
        activity=definition.activity,
        at_days=at_days,
        vocabulary=vocabulary,
    )
