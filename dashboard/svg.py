"""Small charts drawn on the server as SVG geometry: no script, no style attribute, nothing the CSP refuses."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    peak: int
    baseline: float


def bar_chart(
    values: list[int],
    labels: list[str],
    *,
    width: int = 480,
    height: int = 120,
    gap: int = 6,
    label_room: int = 18,
    top: int = 12,
) -> Chart:
    """Bars for `values`, the tallest `top` below the edge (room for its figure); a value of 0 keeps a hairline so
    the week still shows."""
    plot = height - label_room  # the labels go under the bars
    peak = max(values, default=0)
    slot = width / max(len(values), 1)
    bars = []
    for position, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar_height = max(round((plot - top) * value / peak, 1) if peak else 0, 1)
        bars.append(
            Bar(x=round(position * slot + gap / 2, 1), y=round(plot - bar_height, 1), width=round(slot - gap, 1),
                height=bar_height, value=value, label=label)
        )  # fmt: skip
    return Chart(width=width, height=height, bars=bars, peak=peak, baseline=plot)
