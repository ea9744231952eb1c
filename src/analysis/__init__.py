"""analysis — a research kit for private-domain (私域) user research.

Import is cheap and has no side effects: no warning filters, no logging set-up, no
lifetimes import (that happens only in :mod:`analysis.studies.ltv`).
"""

__version__ = "0.1.0"
