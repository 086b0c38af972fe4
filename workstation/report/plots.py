"""Plots of study (sweep) series and of an exam's scores with matplotlib, as 200-dpi PNG files.

matplotlib is imported only when a case holds something to plot. Chinese text in titles and
labels uses the report's CJK font through matplotlib's font fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DPI = 200
_ADDED: set[str] = set()  # fonts given to matplotlib's font manager in this process


@dataclass(frozen=True)
class Series:
    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    bands: tuple[tuple[str, float], ...] = ()  # (legend text, threshold) drawn as dashed lines


BAND_COLOURS = ("#b2182b", "#ef8a62")  # the stronger band first, as the studies draw them


def plot_series(
    series: list[Series],
    x_label: str,
    title: str,
    out: Path,
    cjk_font: Path | None,
    width_in: float = 6.3,
) -> Path:
    """One panel per series, sharing the x axis; returns `out`."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    families = ["DejaVu Sans"]
    if cjk_font is not None:
        if str(cjk_font) not in _ADDED:
            font_manager.fontManager.addfont(str(cjk_font))
            _ADDED.add(str(cjk_font))
        families.append(font_manager.FontProperties(fname=str(cjk_font)).get_name())
    panels = len(series)
    with matplotlib.rc_context({"font.family": families, "font.size": 8, "axes.titlesize": 9}):
        figure = Figure(figsize=(width_in, 1.0 + 1.6 * panels), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
        for ax, item in zip(axes, series, strict=True):
            ax.plot(item.x, item.y, marker="o", markersize=3, linewidth=1.2, color="#1f4e99")
            for (label, value), colour in zip(item.bands, BAND_COLOURS, strict=False):
                ax.axhline(value, linestyle="--", linewidth=0.9, color=colour, label=label)
            if item.bands:
                ax.legend(loc="best", fontsize=6)
            ax.set_title(item.name, loc="left")  # long names fit above a panel, not beside it
            ax.grid(True, linewidth=0.4, alpha=0.6)
        axes[-1].set_xlabel(x_label)
        figure.suptitle(title)
        figure.tight_layout()
        figure.savefig(out, format="png", dpi=DPI)
    return out


def plot_scores(
    panels: list[tuple[str, tuple[float, ...], tuple[float, ...]]],
    labels: tuple[str, str],
    title: str,
    out: Path,
    cjk_font: Path | None,
    width_in: float = 6.3,
) -> Path:
    """One panel per method: its controls' scores (grey) and its works' scores (red) on one
    axis, each set on its own row; `panels`: (name, control scores, work scores); `labels`:
    the rows' names (controls, works). Returns `out`."""
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    families = ["DejaVu Sans"]
    if cjk_font is not None:
        if str(cjk_font) not in _ADDED:
            font_manager.fontManager.addfont(str(cjk_font))
            _ADDED.add(str(cjk_font))
        families.append(font_manager.FontProperties(fname=str(cjk_font)).get_name())
    with matplotlib.rc_context({"font.family": families, "font.size": 8, "axes.titlesize": 9}):
        figure = Figure(figsize=(width_in, 0.8 + 1.1 * len(panels)), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
        for ax, (name, controls, works) in zip(axes, panels, strict=True):
            ax.scatter(controls, [0] * len(controls), s=14, color="#888888", zorder=2)
            ax.scatter(works, [1] * len(works), s=22, color=BAND_COLOURS[0], marker="D", zorder=3)
            ax.set_yticks([0, 1], labels=list(labels))
            ax.set_ylim(-0.6, 1.6)
            ax.set_title(name, loc="left")
            ax.grid(True, axis="x", linewidth=0.4, alpha=0.6)
        figure.suptitle(title)
        figure.tight_layout()
        figure.savefig(out, format="png", dpi=DPI)
    return out
