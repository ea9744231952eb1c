"""Text shared by every report (all notebooks/*.py): separators, shared labels and sentences."""

from __future__ import annotations

#: Separator between the parts of a computed list, by language.
LIST_SEP = {"en": ", ", "zh": "、"}
AND_SEP = {"en": " and ", "zh": "和"}
CLAUSE_SEP = {"en": "; ", "zh": "；"}
SENTENCE_SEP = {"en": " ", "zh": ""}

#: Chart labels used by more than one report, keyed by the English text.
LABELS: dict[str, str] = {}

#: Sentences used by more than one report, keyed "common.…".
SENTENCES: dict[str, dict[str, str]] = {}
