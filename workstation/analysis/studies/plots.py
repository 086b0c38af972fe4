"""The pictures a study stores: metric plots, histograms and labelled image grids (matplotlib).

Drawn on matplotlib's Agg canvas directly (no pyplot state, safe on a worker thread) and written
as 200-dpi PNG files, so they stay sharp when printed in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workstation.analysis.studies.metrics import band_of, metric_of

DPI = 200
WIDTH_IN = 7.0
BAND_COLOURS = {"near-duplicate": "#b2182b", "similar": "#ef8a62"}
SEED_COLOURS = ("#1f4e99", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d")


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _limits(ax: Any, column: str, values: Sequence[float]) -> None:
    """Fixed ranges (the metric's typical scale), so plots of different studies can be compared;
    closer is always up."""
    metric = metric_of(column)
    closest, farthest = metric.scale
    span = abs(farthest - closest)
    if metric.closer == "lower":
        ax.set_ylim(max(farthest, max(values) + 0.05 * span), closest - 0.02 * span)
    else:
        ax.set_ylim(min(farthest, min(values) - 0.05 * span), closest + 0.02 * span)


def _save(figure: Any, out: Path) -> Path:
    import matplotlib

    with matplotlib.rc_context({"font.size": 8}):
        figure.savefig(out, format="png", dpi=DPI)
    return out


def _draw_bands(ax: Any, column: str, horizontal: bool) -> None:
    for name, value in metric_of(column).band_lines():
        draw = ax.axhline if horizontal else ax.axvline
        draw(value, linestyle="--", linewidth=0.9, color=BAND_COLOURS[name], label=f"{name} band")


def sweep_plot(
    points: Sequence[dict],
    parameter: str,
    metrics: Sequence[str],
    title: str,
    out: Path,
    group: str | None = "seed",
) -> Path:
    """One panel per metric against `parameter`: every output as a dot (one colour per `group`
    value), the mean over the group as a line, and the band thresholds dashed."""
    figure = _figure(WIDTH_IN, 1.2 + 1.9 * len(metrics))
    axes = figure.subplots(len(metrics), 1, sharex=True, squeeze=False)[:, 0]
    xs = sorted({p[parameter] for p in points})
    groups = sorted({p[group] for p in points}) if group else [None]
    for ax, metric in zip(axes, metrics, strict=True):
        for index, value in enumerate(groups):
            mine = [p for p in points if group is None or p[group] == value]
            ax.scatter(
                [p[parameter] for p in mine],
                [p[metric] for p in mine],
                s=12,
                color=SEED_COLOURS[index % len(SEED_COLOURS)],
                label=f"{group} {value}" if group and len(groups) > 1 else None,
                zorder=3,
            )
        means = [np.mean([p[metric] for p in points if p[parameter] == x]) for x in xs]
        mean_label = f"mean of {len(groups)} {group}s" if group and len(groups) > 1 else None
        ax.plot(xs, means, color="#333333", linewidth=1.2, label=mean_label)
        _draw_bands(ax, metric, horizontal=True)
        ax.set_ylabel(metric_of(metric).words["en"].short)
        ax.grid(True, linewidth=0.4, alpha=0.6)
        _limits(ax, metric, [p[metric] for p in points])
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6, loc="best")
    axes[-1].set_xlabel(parameter)
    if all(isinstance(x, int) for x in xs):
        from matplotlib.ticker import MaxNLocator

        axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.suptitle(f"{title}\n(up = closer; dashed: band thresholds)")
    return _save(figure, out)


def histogram_plot(points: Sequence[dict], metrics: Sequence[str], title: str, out: Path) -> Path:
    """One histogram per metric of every output's value, with the band thresholds."""
    figure = _figure(WIDTH_IN, 1.2 + 1.9 * len(metrics))
    axes = figure.subplots(len(metrics), 1, squeeze=False)[:, 0]
    for ax, metric in zip(axes, metrics, strict=True):
        from matplotlib.ticker import MaxNLocator

        found = metric_of(metric)
        values = [p[metric] for p in points]
        low, high = sorted(found.scale)
        if found.integer:
            bins = np.arange(low - 0.5, high + 1.5, 1.0)
        else:
            bins = np.linspace(min(low, min(values)), max(high, max(values)), 41)
        closer = f"{found.closer} = closer"
        ax.hist(values, bins=bins, color="#1f4e99", alpha=0.85)
        _draw_bands(ax, metric, horizontal=False)
        near = [v for v in values if band_of(metric, v) == "near-duplicate"]
        if found.band_lines():
            ax.set_title(
                f"{len(near)} of {len(values)} outputs in the near-duplicate band",
                fontsize=7,
                loc="left",
            )
            ax.legend(fontsize=6, loc="best")
        ax.set_xlabel(f"{found.words['en'].short} ({closer})")
        ax.set_ylabel("outputs")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, linewidth=0.4, alpha=0.6)
    figure.suptitle(title)
    return _save(figure, out)


def image_grid(
    cells: Sequence[tuple[np.ndarray, str]],
    columns: int,
    title: str,
    out: Path,
    cell_in: float = 1.3,
) -> Path:
    """Images in a grid, each with its label underneath (the classic trajectory exhibit)."""
    columns = max(1, min(columns, len(cells)))
    rows = -(-len(cells) // columns)
    lines = max(label.count("\n") + 1 for _, label in cells)
    figure = _figure(columns * cell_in, rows * (cell_in + 0.15 * lines) + 0.4)
    axes = figure.subplots(rows, columns, squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index < len(cells):
            rgb, label = cells[index]
            ax.imshow(rgb, interpolation="nearest" if max(rgb.shape[:2]) < 256 else "antialiased")
            ax.set_title(label, fontsize=6)
    figure.suptitle(title, fontsize=9)
    return _save(figure, out)
