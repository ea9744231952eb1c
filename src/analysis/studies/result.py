"""What a study returns: its table, its reading in words and, where it has one, its figure.

A study function that answers a question a report asks returns a :class:`StudyResult`
subclass (a frozen dataclass whose first field is ``table``), so a notebook shows
``result.table``, ``result.reading(lang)`` and ``result.plot(ax=ax, lang=lang)`` and never
picks cells out of a table to write prose (as lifelines' ``StatisticalResult`` carries its
own summary). Readings are filled from the table through :mod:`analysis.i18n`, in English or
Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class StudyResult:
    """Base of every study result: ``table`` plus ``reading`` and ``plot``."""

    table: pd.DataFrame

    def reading(self, lang: str = "en") -> str:
        """The plain-language conclusion, computed from :attr:`table`."""
        raise NotImplementedError(f"{type(self).__name__} has no reading")

    def plot(self, *, ax=None, lang: str = "en"):
        """Draw the result on ``ax`` (a new figure when None) and return the ``Axes``."""
        raise NotImplementedError(f"{type(self).__name__} has no figure")

    def _repr_html_(self) -> str:  # a result shown in a notebook shows its table
        return self.table._repr_html_()
