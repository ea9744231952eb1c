"""CDNOW, the reference data no one here wrote: the 2,357-customer sample shipped inside the
``lifetimes`` package (located without importing it), and the published BG/NBD, Pareto/NBD
and Gamma-Gamma estimates our fits must reproduce.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.studies.ltv import PurchaseModel, SpendModel
from analysis.studies.ltv_covariates import CovariatePurchaseModel

#: Published CDNOW results (2,357-customer sample; weeks; calibration ends 1997-09-30):
#: BG/NBD and Pareto/NBD from Fader, Hardie & Lee (2005), Gamma-Gamma from Fader & Hardie
#: (2013). ``decimals`` is the reported precision.
PUBLISHED_CDNOW = pd.DataFrame(
    [
        ("bgnbd", "r", 0.243, 3),
        ("bgnbd", "alpha", 4.414, 3),
        ("bgnbd", "a", 0.793, 3),
        ("bgnbd", "b", 2.426, 3),
        ("bgnbd", "log_likelihood", -9582.4, 1),
        ("pareto_nbd", "r", 0.553, 3),
        ("pareto_nbd", "alpha", 10.578, 3),
        ("pareto_nbd", "s", 0.606, 3),
        ("pareto_nbd", "beta", 11.669, 3),
        ("gamma_gamma", "p", 6.25, 2),
        ("gamma_gamma", "q", 3.74, 2),
        ("gamma_gamma", "gamma", 15.44, 2),
    ],
    columns=["model", "parameter", "published", "decimals"],
)


#: CLVTools' published Pareto/NBD standard errors on the same CDNOW calibration summary (its
#: test values; 3 significant digits).
PUBLISHED_CLVTOOLS_PNBD_SE = pd.DataFrame(
    [("r", 0.0476, 4), ("alpha", 0.843, 3), ("s", 0.187, 3), ("beta", 6.21, 2)],
    columns=["parameter", "published_std_error", "decimals"],
)


def reproduce_pareto_std_errors(summary: pd.DataFrame) -> pd.DataFrame:
    """Pareto/NBD standard errors on a CDNOW calibration summary (weeks) from the observed
    information of the kit's own likelihood
    (:class:`~analysis.studies.ltv_covariates.CovariatePurchaseModel`) against CLVTools'
    published ones: :data:`PUBLISHED_CLVTOOLS_PNBD_SE` with ``ours``, ``ours_rounded`` and
    ``match``."""
    se = CovariatePurchaseModel("pareto_nbd").fit(summary).summary["std_error"]
    out = PUBLISHED_CLVTOOLS_PNBD_SE.copy()
    out["ours"] = se.loc[out["parameter"]].to_numpy()
    out["ours_rounded"] = [round(v, d) for v, d in zip(out["ours"], out["decimals"])]
    out["match"] = np.isclose(out["ours_rounded"], out["published_std_error"], rtol=0, atol=1e-9)
    return out


def cdnow_path() -> Path:
    spec = importlib.util.find_spec("lifetimes")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the lifetimes package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "CDNOW_sample.txt"


def load_cdnow_sample() -> pd.DataFrame:
    """The raw CDNOW sample transactions shipped with lifetimes (2,357 customers).

    Read directly (``lifetimes.datasets`` imports ``pkg_resources``). Returns
    ``customer_id`` (str, the CDNOW master id), ``sample_id`` (str, 1..2357), ``date``
    (datetime), ``cds`` (int) and ``dollars`` (float), one row per transaction.
    """
    return pd.read_csv(
        cdnow_path(),
        sep=r"\s+",
        header=None,
        names=["customer_id", "sample_id", "date", "cds", "dollars"],
        dtype={
            "customer_id": str,
            "sample_id": str,
            "date": str,
            "cds": "int64",
            "dollars": "float64",
        },
    ).assign(date=lambda d: pd.to_datetime(d["date"], format="%Y%m%d"))


def reproduce_cdnow(summary: pd.DataFrame) -> pd.DataFrame:
    """Fit BG/NBD, Pareto/NBD and Gamma-Gamma on a CDNOW calibration summary.

    ``summary`` must be in weeks with ``monetary_value`` (see the notebook / tests).
    Returns :data:`PUBLISHED_CDNOW` with ``ours`` (full precision), ``ours_rounded`` (to
    the reported precision) and ``match`` (rounded values equal).
    """
    bg = PurchaseModel("bgnbd").fit(summary)
    pareto = PurchaseModel("pareto_nbd").fit(summary)
    gg = SpendModel().fit(summary)
    ours = {("bgnbd", k): v for k, v in bg.params_.items()}
    ours[("bgnbd", "log_likelihood")] = bg.log_likelihood_
    ours |= {("pareto_nbd", k): v for k, v in pareto.params_.items()}
    ours |= {("gamma_gamma", k): v for k, v in gg.params_.items()}
    out = PUBLISHED_CDNOW.copy()
    out["ours"] = [ours[(m, p)] for m, p in zip(out["model"], out["parameter"])]
    out["ours_rounded"] = [round(v, d) for v, d in zip(out["ours"], out["decimals"])]
    out["match"] = np.isclose(out["ours_rounded"], out["published"], rtol=0, atol=1e-9)
    return out
