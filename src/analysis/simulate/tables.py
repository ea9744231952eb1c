"""The simulation's result: the three canonical tables and the per-user truth as frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Simulation:
    """What :func:`analysis.simulate.simulate` returns: the canonical tables, the per-user
    truth (one row per contact) and the parameters written to ``truth/params.json``."""

    contacts: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    users: pd.DataFrame  # per-user truth
    params: dict[str, Any] = field(default_factory=dict)
