"""XmR (process behaviour) charts with Wheeler's detection rules.

On its own so that forecasts load it without the flow report's models.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal

from kanban_tui.domain.models import Frozen

_SIGMA_PER_MR = 1.128
"""d2 for subgroups of 2: sigma is estimated as the mean moving range / 1.128 (Wheeler)."""

_NATURAL_LIMIT = 2.66
"""3 / 1.128: natural process limits sit three sigma from the mean."""


XmrRule = Literal["beyond-limits", "2-of-3-beyond-2-sigma", "4-of-5-beyond-1-sigma", "8-in-a-row"]


class XmrSignal(Frozen):
    """One detected signal of an XmR chart: the rule, the side and the points (0-based)."""

    rule: XmrRule
    side: Literal["above", "below"]
    points: tuple[int, ...]


class Xmr(Frozen):
    """An XmR (process behaviour) chart of a series in time order."""

    values: tuple[float, ...]
    moving_ranges: tuple[float, ...]
    mean: float | None
    mr_bar: float | None
    sigma: float | None
    unpl: float | None
    lnpl: float | None
    signals: tuple[XmrSignal, ...]
    stable: bool
    """True when there are no signals (says little with fewer than about 6 points)."""


def _windows(sides: list[int], size: int, needed: int, rule: XmrRule) -> list[XmrSignal]:
    """Signals where at least `needed` of `size` successive points sit beyond a line on one side.

    Overlapping windows on the same side merge into one signal, so a long excursion is one
    signal rather than one per window.
    """
    found: list[XmrSignal] = []
    latest: dict[int, tuple[int, int]] = {}  # side -> (its latest signal, end of that window)
    for end in range(size - 1, len(sides)):
        begin = end - size + 1
        for side in (1, -1):
            points = [i for i in range(begin, end + 1) if sides[i] == side]
            if len(points) < needed:
                continue
            label: Literal["above", "below"] = "above" if side == 1 else "below"
            if side in latest and latest[side][1] >= begin:
                at = latest[side][0]
                points = sorted(set(found[at].points) | set(points))
                found[at] = XmrSignal(rule=rule, side=label, points=tuple(points))
            else:
                at = len(found)
                found.append(XmrSignal(rule=rule, side=label, points=tuple(points)))
            latest[side] = (at, end)
    return found


def xmr(values: Sequence[float]) -> Xmr:
    """An XmR chart of `values` (in time order) with Wheeler's four detection rules.

    mR_k = |x_k - x_(k-1)|; UNPL = mean + 2.66 mR-bar; LNPL = max(0, mean - 2.66 mR-bar);
    sigma = mR-bar / 1.128. Signals: a point beyond the limits; 2 of 3 successive points beyond
    2 sigma on one side; 4 of 5 beyond 1 sigma on one side; 8 successive on one side of the mean.
    """
    xs = tuple(float(v) for v in values)
    ranges = tuple(abs(b - a) for a, b in itertools.pairwise(xs))
    mean = sum(xs) / len(xs) if xs else None
    if mean is None or not ranges:
        return Xmr(
            values=xs,
            moving_ranges=(),
            mean=mean,
            mr_bar=None,
            sigma=None,
            unpl=None,
            lnpl=None,
            signals=(),
            stable=True,
        )
    mr_bar = sum(ranges) / len(ranges)
    sigma = mr_bar / _SIGMA_PER_MR
    unpl = mean + _NATURAL_LIMIT * mr_bar
    lnpl = max(0.0, mean - _NATURAL_LIMIT * mr_bar)

    def beyond(k: float) -> list[int]:
        return [1 if x > mean + k * sigma else -1 if x < mean - k * sigma else 0 for x in xs]

    signals: list[XmrSignal] = []
    for i, x in enumerate(xs):
        if x > unpl:
            signals.append(XmrSignal(rule="beyond-limits", side="above", points=(i,)))
        elif x < lnpl:
            signals.append(XmrSignal(rule="beyond-limits", side="below", points=(i,)))
    signals += _windows(beyond(2), 3, 2, "2-of-3-beyond-2-sigma")
    signals += _windows(beyond(1), 5, 4, "4-of-5-beyond-1-sigma")
    side_of_mean = beyond(0)
    run_start = 0
    for i in range(1, len(xs) + 1):
        if i == len(xs) or side_of_mean[i] != side_of_mean[run_start]:
            if side_of_mean[run_start] and i - run_start >= 8:
                side: Literal["above", "below"] = (
                    "above" if side_of_mean[run_start] == 1 else "below"
                )
                signals.append(
                    XmrSignal(rule="8-in-a-row", side=side, points=tuple(range(run_start, i)))
                )
            run_start = i
    return Xmr(
        values=xs,
        moving_ranges=ranges,
        mean=mean,
        mr_bar=mr_bar,
        sigma=sigma,
        unpl=unpl,
        lnpl=lnpl,
        signals=tuple(signals),
        stable=not signals,
    )
