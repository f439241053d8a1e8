"""Bar charts drawn on the server as inline SVG (no script, no CDN): the geometry of the bars from the numbers.
The templates draw a <rect> per Bar and the same numbers again in a table. The geometry is text with a decimal
point: a number would be localised by the template ("2,5"), which SVG does not read."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | Decimal
    x: str
    y: str
    width: str
    height: str
    text_y: str  # the baseline of the bar's label (horizontal bars)


def _svg(number: float) -> str:
    return f"{number:.1f}"


def _bar(label: str, value, x: float, y: float, width: float, height: float) -> Bar:
    return Bar(label, value, _svg(x), _svg(y), _svg(width), _svg(height), _svg(y + height / 2 + 4))


def columns(values: list[tuple[str, int]], *, width: int = 640, height: int = 200) -> list[Bar]:
    """Vertical bars side by side, scaled to the largest value (zeros draw no bar)."""
    top = max((value for _label, value in values), default=0) or 1
    step = width / max(len(values), 1)
    return [_bar(label, value, i * step + step * 0.1, height - value / top * height, step * 0.8,
                 value / top * height)
            for i, (label, value) in enumerate(values)]


def rows_of_bars(values: list[tuple[str, int]], *, width: int = 400, row: int = 24) -> list[Bar]:
    """Horizontal bars one under the other, scaled to the largest value."""
    top = max((value for _label, value in values), default=0) or 1
    return [_bar(label, value, 0, i * row + 4, value / top * width, row - 8)
            for i, (label, value) in enumerate(values)]


def days(value: float | None) -> str:
    """A number of days with one decimal, Dutch style, without a trailing ",0": 21, 37,8; "" for none."""
    if value is None:
        return ""
    text = f"{value:.1f}".replace(".", ",")
    return text.removesuffix(",0")
