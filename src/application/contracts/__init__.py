"""The published language: the only part of a context another context may import."""

from datetime import date

ROLLOUT_ENDS = date(2027, 1, 31)
"""The last day version 1 of each type that dropped fields no one read is published beside
version 2 (decision 48): by then every context, and every recorded reader, reads version 2."""
