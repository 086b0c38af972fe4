"""Analysis ▸ Pair comparison: every metric for A and B with its band, and what was normalised.

Every comparison run here is kept in the case (when it can be written) as its record; Discard
withdraws that record by an amendment. A stored comparison reopened (the Records panel, a
finding, a restart) shows its numbers as stored, without measuring anew."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workstation.analysis import bands
from workstation.gui import i18n, labels
from workstation.gui.dialogs.errors import show_error
from workstation.gui.pair_state import PairState
from workstation.gui.widgets.metric_table import MetricTable
from workstation.gui.widgets.pair_picker import PairPicker


class PairTab(QWidget):
    finding_requested = Signal(int)  # record id of the kept comparison

    def __init__(self, pair: PairState, parent: QWidget | None = None):
        super().__init__(parent)
        self.pair = pair
        # Set by the window: why the case cannot take a finding now ("" when it can).
        self.why_not_write: Callable[[], str] = lambda: ""
        self.picker = PairPicker(pair)
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText(
            self.tr("optional: text for CLIP text–image similarity (needs a CLIP model)")
        )
        self.prompt.setToolTip(
            self.tr(
                "Text to measure against both images with CLIP (the preferences name the CLIP "
                "model); leave empty to compare the images only"
            )
        )
        self.run_button = QPushButton(self.tr("Run comparison"))
        self.run_button.setObjectName("runComparison")
        self.run_button.setToolTip(self.tr("Compute every metric for A and B (Ctrl+R)"))
        self.run_button.clicked.connect(lambda: pair.run(self.prompt.text()))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the comparison; nothing is stored"))
        self.cancel_button.clicked.connect(pair.cancel)
        self.discard_button = QPushButton(self.tr("Discard"))
        self.discard_button.setObjectName("discardComparison")
        self.discard_button.setToolTip(
            self.tr(
                "Every comparison run here is kept in the case. Discard withdraws this one: an "
                "amendment with the reason “discarded in the window” is recorded in the audit "
                "log, and the record stays in the case marked withdrawn"
            )
        )
        self.discard_button.clicked.connect(self._discard)
        self.finding_button = QPushButton(self.tr("Add Finding…"))
        self.finding_button.setObjectName("comparisonFinding")
        self.finding_button.clicked.connect(
            lambda: self.finding_requested.emit(self.pair.record_id)
        )
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.status = QLabel()
        self.status.setObjectName("pairStatus")
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Prompt:")))
        controls.addWidget(self.prompt, 1)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.discard_button)
        controls.addWidget(self.finding_button)
        controls.addWidget(self.busy)

        self.table = MetricTable()
        self.notes = QTextBrowser()
        self.notes.setObjectName("pairNotes")
        self.notes.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.notes)
        split.setSizes([340, 220])

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

        pair.changed.connect(self._pair_changed)
        pair.running_changed.connect(self._running)
        pair.report_ready.connect(self.show_report)
        pair.failed.connect(lambda message, bug: show_error(self, message, bug))
        pair.stored.connect(self._kept)
        pair.discarded.connect(self._discarded)
        self._pair_changed()
        self._running(False)

    def _discard(self) -> None:
        if self.pair.discard() is not None:
            self.discard_button.setEnabled(False)
            self.status.setText(self.tr("Withdrawing the comparison record…"))

    def _kept(self, record_id: int) -> None:
        if self.pair.restored:
            created = self.pair.report.created if self.pair.report is not None else ""
            text = self.tr(
                "Comparison record #{id} as stored ({time} UTC): A #{a} compared with B #{b}; "
                "nothing was measured anew."
            ).format(
                id=record_id,
                time=created[:16].replace("T", " "),
                a=self.pair.a.id,
                b=self.pair.b.id,
            )
            if self.pair.report is None:
                text = self.tr(
                    "Comparison record #{id}: its numbers cannot be read back by this version. "
                    "Press Run comparison to measure A against B again."
                ).format(id=record_id)
        else:
            text = self.tr(
                "Kept in the case as comparison record #{id} (every comparison is kept; Discard "
                "withdraws it)."
            ).format(id=record_id)
        self.status.setText(text)
        self.update_finding_button()

    def _discarded(self, record_id: int) -> None:
        self.status.setText(
            self.tr(
                "Comparison record #{id} discarded: withdrawn by an amendment in the audit log. "
                "It stays in the case, marked withdrawn."
            ).format(id=record_id)
        )
        self.update_finding_button()

    def update_finding_button(self) -> None:
        """A finding is about a stored record, and Discard withdraws one: both on while this
        comparison is kept in the case (and the case can be written)."""
        why = self.why_not_write()
        kept = self.pair.record_id is not None
        self.discard_button.setEnabled(kept and not why and not self.pair.running)
        if not why and not kept:
            why = self.tr("Run the comparison first: a finding is about its stored record.")
        self.finding_button.setEnabled(not why)
        self.finding_button.setToolTip(
            why or self.tr("Record an observation about this stored comparison")
        )

    def _running(self, running: bool) -> None:
        self.update_finding_button()
        self.run_button.setEnabled(self.pair.ready and not running)
        self.cancel_button.setVisible(running)
        self.busy.setVisible(running)
        if running:
            self.status.setText(self.tr("Comparing A and B…"))

    def _pair_changed(self) -> None:
        self.update_finding_button()
        self.table.setRowCount(0)
        self.notes.clear()
        self.run_button.setEnabled(self.pair.ready and not self.pair.running)
        if not self.pair.ready:
            self.status.setText(self.tr("Choose images A and B from the case."))
        else:
            self.status.setText(self.tr("Press Run comparison to measure A against B."))

    def show_report(self, report) -> None:
        self.update_finding_button()
        self.table.show_readings(report.bands)
        text = self.tr("A #{a} compared with B #{b}.").format(a=self.pair.a.id, b=self.pair.b.id)
        if not self.pair.restored and not self.pair.writable:
            text += " " + self.tr("Not kept: the case is open read-only.")
        self.status.setText(text)
        self.notes.setHtml(self._notes_html(report))

    def _notes_html(self, report) -> str:
        def item(text: str) -> str:
            return f"<li>{html.escape(text)}</li>"

        def heading(text: str, tag: str) -> str:
            return f"<p><b>{html.escape(text)}</b></p><{tag}>"

        parts = [heading(self.tr("How the images were read"), "ul")]
        for name, image in (("A", report.image_a), ("B", report.image_b)):
            width, height = image["size"]
            parts.append(
                item(f"{name}: {width} × {height}, {image['format']}, SHA-256 {image['sha256']}")
            )
            parts.extend(item(f"{name}: {labels.note(note)}") for note in image["notes"])
        parts.extend(item(labels.note(note)) for note in report.normalisation)
        parts.append("</ul>")
        k, s = report.keypoints, report.structure
        parts.append(heading(self.tr("Details"), "ul"))
        parts.append(
            item(
                self.tr("Keypoints: {inliers} inliers of {matches} matches; {status}").format(
                    inliers=k.inliers, matches=k.matches, status=labels.note(k.status)
                )
            )
        )
        parts.append(
            item(
                self.tr(
                    "Difference: mean {mean:.2%} of full scale; {changed:.1%} of pixels changed"
                ).format(mean=s.mean_abs_difference, changed=s.changed_fraction)
            )
        )
        if report.registered_structure is not None:
            r = report.registered_structure
            parts.append(
                item(
                    self.tr("Registered SSIM: {ssim:.4f} over {share:.0%} of A").format(
                        ssim=r.ssim, share=r.compared_fraction
                    )
                )
            )
        parts.append(item(f"CLIP: {labels.note(report.clip.message)}"))
        parts.append("</ul>")
        sources = []
        for reading in report.bands:
            _rule, source = labels.rule_and_source(reading)
            if source not in sources:
                sources.append(source)
        parts.append(heading(self.tr("Sources of the bands"), "ol"))
        parts.extend(item(source) for source in sources)
        parts.append("</ol>")
        parts.append(f"<p><i>{html.escape(bands.TEXT[i18n.language()]['notice'])}</i></p>")
        return "".join(parts)
