"""Selling before trust: contacts who got ``k`` or more promo touches in their first days,
before any purchase, against those who got fewer — an observational comparison adjusted by
inverse probability weighting, with balance shown, a sensitivity measure and a negative
control.

:func:`selling_before_trust` fits the propensity of being "sold to early" from channel,
hook, join month, group membership and early engagement (scikit-learn logistic regression),
weights each contact by the inverse of the probability of the group they are in (stabilised,
trimmed at the 1st and 99th percentiles), and compares departure and first-purchase rates in
the following days, with percentile bootstrap intervals (the propensity refitted in each
replicate). Balance is the standardised mean difference of each covariate before and after
weighting (|SMD| < 0.1 is the usual bar). The E-value (VanderWeele & Ding 2017) says how
strongly an unmeasured confounder would have to be tied to both early promo and departing to
explain the risk ratio away. The negative-control outcome (content views before joining, which
no later touch can cause) should show no difference; if it does, the groups differ in ways the
weights did not remove.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.i18n import say
from analysis.studies.result import StudyResult
from analysis.studies.stats import percentile_interval

COVARIATES = ("channel", "hook", "join_month", "in_group", "engagement")
OUTCOMES = ("departed", "purchased", "pre_join_views")


def e_value(rr: float) -> float:
    """The E-value of a risk ratio (for RR < 1 its inverse is used); 1 means none needed."""
    if not np.isfinite(rr) or rr <= 0:
        return float("nan")
    rr = rr if rr >= 1 else 1 / rr
    return float(rr + np.sqrt(rr * (rr - 1)))


def _design(frame: pd.DataFrame) -> np.ndarray:
    x = pd.get_dummies(
        frame[list(COVARIATES)].assign(engagement=np.log1p(frame["engagement"])),
        columns=["channel", "hook", "join_month"],
        drop_first=True,
        dtype="float64",
    )
    return x.astype("float64").to_numpy()


def _weights(x: np.ndarray, treated: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    ps = (
        LogisticRegression(solver="newton-cholesky", max_iter=100)
        .fit(x, treated)
        .predict_proba(x)[:, 1]
    )
    lo, hi = np.quantile(ps, [0.01, 0.99])
    ps = np.clip(ps, lo, hi)
    share = treated.mean()
    return np.where(treated, share / ps, (1 - share) / (1 - ps))


def _rates(y: np.ndarray, treated: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    return (
        float(np.average(y[treated], weights=w[treated])),
        float(np.average(y[~treated], weights=w[~treated])),
    )


def _smd(x: np.ndarray, treated: np.ndarray, w: np.ndarray) -> np.ndarray:
    m1 = np.average(x[treated], axis=0, weights=w[treated])
    m0 = np.average(x[~treated], axis=0, weights=w[~treated])
    sd = np.sqrt((x[treated].var(axis=0) + x[~treated].var(axis=0)) / 2)
    return np.where(sd > 0, (m1 - m0) / np.where(sd > 0, sd, 1), 0.0)


@dataclass(frozen=True)
class TrustResult(StudyResult):
    """Per outcome: ``treated_rate``, ``control_rate`` (weighted), ``difference`` with ``lo``,
    ``hi``, ``risk_ratio`` and ``e_value``; ``balance`` holds the covariates' SMDs."""

    balance: pd.DataFrame | None = None
    k: int = 3
    n_treated: int = 0
    n_control: int = 0

    def reading(self, lang: str = "en") -> str:
        t = self.table.set_index("outcome")
        d, nc = t.loc["departed"], t.loc["pre_join_views"]
        key = "touch.trust.more" if d["lo"] > 0 else "touch.trust.none"
        worst = float(self.balance["smd_weighted"].abs().max()) if self.balance is not None else 0
        return " ".join(
            [
                say(
                    key,
                    lang,
                    k=self.k,
                    n1=self.n_treated,
                    n0=self.n_control,
                    r1=100 * d["treated_rate"],
                    r0=100 * d["control_rate"],
                    diff=100 * d["difference"],
                    lo=100 * d["lo"],
                    hi=100 * d["hi"],
                    e=d["e_value"],
                ),
                say(
                    "touch.trust.control_ok"
                    if nc["lo"] <= 0 <= nc["hi"]
                    else "touch.trust.control_off",
                    lang,
                    diff=nc["difference"],
                    lo=nc["lo"],
                    hi=nc["hi"],
                    smd=worst,
                ),
            ]
        )


def selling_before_trust(
    frame: pd.DataFrame, *, k: int = 3, n_boot: int = 200, random_state: int = 0, ci=0.95
) -> TrustResult:
    """Contacts with ``early_promo >= k`` against the others (see the module docstring);
    ``frame`` from :func:`analysis.aggregate.touches.early_promo_frame`."""
    treated = (frame["early_promo"] >= k).to_numpy()
    if treated.all() or not treated.any():
        raise ValueError(f"no contrast: every contact or none got {k} or more early promo touches")
    x = _design(frame)
    w = _weights(x, treated)
    ys = {o: frame[o].to_numpy(dtype="float64") for o in OUTCOMES}
    rng = np.random.default_rng(random_state)
    boots = {o: [] for o in OUTCOMES}
    n = len(frame)
    for _ in range(n_boot):
        i = rng.integers(0, n, size=n)
        ti = treated[i]
        if ti.all() or not ti.any():
            continue
        wi = _weights(x[i], ti)
        for o in OUTCOMES:
            r1, r0 = _rates(ys[o][i], ti, wi)
            boots[o].append(r1 - r0)
    rows = []
    for o in OUTCOMES:
        r1, r0 = _rates(ys[o], treated, w)
        lo, hi = percentile_interval(np.array(boots[o]), ci=ci)
        rr = r1 / r0 if r0 > 0 else float("nan")
        rows.append(
            {
                "outcome": o,
                "treated_rate": r1,
                "control_rate": r0,
                "difference": r1 - r0,
                "lo": lo,
                "hi": hi,
                "risk_ratio": rr,
                "e_value": e_value(rr),
            }
        )
    names = pd.get_dummies(
        frame[list(COVARIATES)], columns=["channel", "hook", "join_month"], drop_first=True
    ).columns
    balance = pd.DataFrame(
        {
            "covariate": [str(c) for c in names],
            "smd_raw": _smd(x, treated, np.ones(n)),
            "smd_weighted": _smd(x, treated, w),
        }
    )
    return TrustResult(
        pd.DataFrame(rows),
        balance=balance,
        k=k,
        n_treated=int(treated.sum()),
        n_control=int((~treated).sum()),
    )
