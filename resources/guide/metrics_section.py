"""Writes the guide's metric table (between `<!-- metrics:begin -->` and `<!-- metrics:end -->`
in resources/guide/<lang>/index.html) from the metric registry, so the guide says what the
report's methods table says. Run it after changing a metric; tests/gui/test_help.py checks the
guide is current.

    python resources/guide/metrics_section.py
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from workstation.analysis import metrics

GUIDE = Path(__file__).resolve().parent
BEGIN, END = "<!-- metrics:begin -->", "<!-- metrics:end -->"
WORDS = {
    "en": {
        "head": ("Metric", "What it measures", "What it cannot tell", "Closer", "Bands"),
        "lower": "lower",
        "higher": "higher",
        "near": "near-duplicate",
        "similar": "similar",
        "different": "different",
        "no_near": "no near-duplicate range ({why})",
        "any": "any other measured value: similar",
        "otherwise": "otherwise different",
        "sep": "; ",
    },
    "zh": {
        "head": ("指标", "测量什么", "不能说明什么", "更接近", "区间"),
        "lower": "越小",
        "higher": "越大",
        "near": "近似重复",
        "similar": "相似",
        "different": "不同",
        "no_near": "无近似重复区间（{why}）",
        "any": "其他任何测得值：相似",
        "otherwise": "其余为不同",
        "sep": "；",
    },
}


def _number(metric: metrics.Metric, value: float) -> str:
    return str(int(value)) if metric.integer else f"{value:g}"


def _bands(metric: metrics.Metric, lang: str) -> str:
    w = WORDS[lang]
    bands = metric.bands
    if bands is None:
        return metric.context_zh if lang == "zh" and metric.context_zh else metric.context
    sign = "≤" if metric.closer == "lower" else "≥"
    if bands.near_duplicate is None:
        parts = [w["no_near"].format(why=bands.why_no_near_in(lang))]
    else:
        parts = [f"{w['near']} {sign} {_number(metric, bands.near_duplicate)}"]
    if bands.similar is None:
        parts.append(w["any"])
    else:
        parts.append(f"{w['similar']} {sign} {_number(metric, bands.similar)}")
        parts.append(w["otherwise"])
    return w["sep"].join(parts)


def section(lang: str) -> str:
    """The metric table in `lang`, as HTML."""
    w = WORDS[lang]
    rows = ['<table border="1" cellpadding="4" cellspacing="0" width="100%">']
    rows.append("<tr>" + "".join(f"<th>{h}</th>" for h in w["head"]) + "</tr>")
    for metric in metrics.METRICS:
        words = metric.words[lang]
        cells = (
            f"<b>{html.escape(words.name)}</b><br>{html.escape(words.label)}",
            html.escape(words.measures),
            html.escape(words.limits),
            w[metric.closer],
            html.escape(_bands(metric, lang)),
        )
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def filled(text: str, lang: str) -> str:
    """`text` (a guide page) with its metric table replaced by the registry's."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    return pattern.sub(lambda _: f"{BEGIN}\n{section(lang)}\n{END}", text)


def main() -> None:
    for lang in WORDS:
        page = GUIDE / lang / "index.html"
        page.write_text(filled(page.read_text(encoding="utf-8"), lang), encoding="utf-8")


if __name__ == "__main__":
    main()
