"""The extraction attempt in Analysis ▸ Model examination (gui/panels/exam_tab.py): the request the
form builds (`workstation exam extract` builds the same from its arguments) and the stored
record shown as a table of cluster centres, each image beside its nearest case work with the
pHash distance, the numbers the CLI prints and the report lays out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from workstation.app.exam_extract import ExtractRequest
from workstation.core.case import Record
from workstation.core.errors import InputError
from workstation.gui.session import CaseSession

THUMB = 64  # pixels of the images shown in the table


def extract_request(
    model: str, lora: str, prompts: str, count: int, seed: int, seeds_per_item: int = 0
) -> ExtractRequest:
    """The form's fields as the extraction's request: the LoRA is required, and the prompt is
    the one line typed (the LoRA's caption or trigger word), or none. `seeds_per_item` 0: all
    seeds in one batch (the CLI without --seeds-per-item: nothing recorded)."""
    if not lora:
        raise InputError("no LoRA: extraction needs the fine-tune (LoRA) and its base (model)")
    lines = [line.strip() for line in prompts.splitlines() if line.strip()]
    if len(lines) > 1:
        raise InputError("extraction: type one prompt (the LoRA's caption or trigger word)")
    return ExtractRequest(
        model=Path(model),
        lora=Path(lora),
        count=count,
        seed=seed,
        prompt=lines[0] if lines else "",
        seeds_per_item=seeds_per_item or None,
    )


class ExtractResults(QObject):
    """Fills the tab's table with an extraction record: per cluster its centre image, size,
    seeds, nearest case work (image and name) and pHash distance."""

    def __init__(self, session: CaseSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session

    def fill(self, table: QTableWidget, record: Record) -> str:
        """Fill `table`; returns the summary line."""
        payload = record.payload
        results, settings = payload.get("results", {}), payload.get("settings", {})
        outputs = {link.label: link.artifact_id for link in record.linked("output")}
        heads = (
            self.tr("Centre"),
            self.tr("Images"),
            self.tr("Seeds"),
            self.tr("Nearest work"),
            self.tr("pHash distance"),
        )
        table.clear()
        table.setColumnCount(len(heads))
        table.setHorizontalHeaderLabels(list(heads))
        table.setIconSize(QSize(THUMB, THUMB))
        rows = results.get("clusters", [])
        table.setRowCount(len(rows))
        for row, cluster in enumerate(rows):
            centre = QTableWidgetItem(
                self.tr("seed {seed}").format(seed=cluster.get("medoid_seed"))
            )
            self._icon(centre, outputs.get(f"seed {cluster.get('medoid_seed')}"))
            members = cluster.get("members", [])
            near = (cluster.get("nearest") or [None])[0]
            work = QTableWidgetItem(
                f"#{near['artifact_id']}  {near.get('name', '')}" if near else self.tr("none")
            )
            if near:
                self._icon(work, near.get("artifact_id"))
                work.setToolTip(work.text())
            distance = QTableWidgetItem(f"{near['phash_distance']} / 64" if near else "—")
            distance.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells = (
                centre,
                QTableWidgetItem(str(len(members))),
                QTableWidgetItem(", ".join(str(s) for s in members)),
                work,
                distance,
            )
            for column, cell in enumerate(cells):
                table.setItem(row, column, cell)
        table.resizeRowsToContents()
        summary = self.tr(
            "Extraction: {count} images, w' = {scale} (λ = {lam}), {steps} DDIM steps; each "
            "cluster's centre beside the nearest of {works} reference works in the case "
            "(pHash distance: 0 = same, 32 ≈ unrelated)."
        ).format(
            count=len(settings.get("seeds", [])),
            scale=settings.get("scale", "—"),
            lam=f"{settings['lambda']:.3g}" if "lambda" in settings else "—",
            steps=settings.get("steps", "—"),
            works=results.get("works_compared", 0),
        )
        return summary

    def _icon(self, item: QTableWidgetItem, artifact_id: int | None) -> None:
        artifact = self.session.artifact(artifact_id) if artifact_id is not None else None
        if artifact is None:
            return
        pixmap = QPixmap(str(self.session.object_path(artifact)))
        if not pixmap.isNull():
            item.setIcon(QIcon(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio)))
