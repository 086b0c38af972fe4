"""The Compare panel: two images side by side with synchronised zoom and pan, a wipe, blink,
the difference heat map and the keypoint matches (the last two from the pair comparison).

Wipe, blink and difference show B registered onto A (warped by the comparison's keypoint
homography, analysis/registration.py, the warp the registered SSIM measures) or B as stored,
switchable and said in words on the view. "Export Figure…" writes the view shown as PNG, caption
and SHA-256, and keeps the PNG in the case as an artifact (app/figures.py)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.analysis import keypoints, metrics, registration
from workstation.analysis.images import load_image
from workstation.app.figures import ExportedFigure, store_figure
from workstation.gui import i18n, labels
from workstation.gui.figure_export import FigureExport
from workstation.gui.images import load_qimage, to_qimage
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.pair_state import PairState
from workstation.gui.widgets.image_view import ZOOM_STEP, ImageView, ViewSync
from workstation.gui.widgets.inspect_tools import CompareInspection, InspectTools
from workstation.gui.widgets.overlay_views import BlinkView, ColourBar, WipeView, swatch
from workstation.gui.widgets.pair_picker import PairPicker

MODES = ("side", "wipe", "blink", "difference", "keypoints")
NEEDS_REPORT = ("difference", "keypoints")
REGISTRABLE = ("wipe", "blink", "difference")  # the modes that show B registered or as stored


class ComparePanel(QWidget):
    def __init__(self, pair: PairState, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.pair = pair
        self.runner = runner
        self.images: tuple[QImage | None, QImage | None] = (None, None)
        self._load_job: Job | None = None
        self.mode = "side"
        # Registration: the examiner's choice, and B warped onto A for the current report.
        self.registered_choice = True
        self.registered_b: QImage | None = None
        self._warp_job: Job | None = None
        self.stored_figure = None  # the artifact the last exported figure was stored as
        self._build()
        self.export_button.setEnabled(self.mode in self.exports)
        pair.changed.connect(self._pair_changed)
        pair.report_ready.connect(self._show_report)
        pair.running_changed.connect(lambda _running: self._update_report_page())
        pair.running_changed.connect(lambda _running: self._update_registration_bar())
        self._pair_changed()

    # 1. Layout

    def _build(self) -> None:
        self.picker = PairPicker(self.pair)
        titles = {
            "side": self.tr("Side by side"),
            "wipe": self.tr("Wipe"),
            "blink": self.tr("Blink"),
            "difference": self.tr("Difference"),
            "keypoints": self.tr("Keypoints"),
        }
        self.mode_buttons = QButtonGroup(self)
        modes = QHBoxLayout()
        for number, mode in enumerate(MODES):
            button = QToolButton()
            button.setText(titles[mode])
            button.setCheckable(True)
            button.setObjectName(f"mode_{mode}")
            button.setShortcut(f"Alt+{number + 1}")
            button.setToolTip(f"{titles[mode]} (Alt+{number + 1})")
            self.mode_buttons.addButton(button, number)
            modes.addWidget(button)
        self.mode_buttons.button(0).setChecked(True)
        self.mode_buttons.idClicked.connect(lambda number: self.set_mode(MODES[number]))
        modes.addStretch(1)
        for text, tip, slot in (
            (self.tr("Fit"), self.tr("Fit the image in the view (double-click)"), self._fit),
            ("1:1", self.tr("One image pixel per screen pixel"), self._actual_size),
            ("−", self.tr("Zoom out (mouse wheel)"), lambda: self._zoom(1 / ZOOM_STEP)),
            ("+", self.tr("Zoom in (mouse wheel)"), lambda: self._zoom(ZOOM_STEP)),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            modes.addWidget(button)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(56)
        modes.addWidget(self.zoom_label)
        self.export_button = QToolButton()
        self.export_button.setObjectName("compareExportFigure")
        self.export_button.setText(self.tr("Export Figure…"))
        self.export_button.setToolTip(
            self.tr(
                "Save the view shown (wipe, blink, difference or keypoints) as a PNG with its "
                "caption and SHA-256, and keep a copy in the case as an artifact"
            )
        )
        self.export_button.clicked.connect(self.export_current)
        modes.addWidget(self.export_button)
        self._build_registration_bar()

        self.sync = ViewSync(self)
        self.view_a, self.view_b = ImageView(), ImageView()
        self.caption_a, self.caption_b = QLabel(), QLabel()
        side = QSplitter(Qt.Orientation.Horizontal)
        for caption, view in ((self.caption_a, self.view_a), (self.caption_b, self.view_b)):
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(caption)
            column.addWidget(view, 1)
            side.addWidget(box)

        self.wipe_view = WipeView()
        self.wipe_slider = QSlider(Qt.Orientation.Horizontal)
        self.wipe_slider.setRange(0, 1000)
        self.wipe_slider.setValue(500)
        self.wipe_slider.setToolTip(self.tr("Move the line: A on the left, B on the right"))
        self.wipe_slider.valueChanged.connect(lambda v: self.wipe_view.set_split(v / 1000))
        wipe_row = QHBoxLayout()
        wipe_row.addWidget(QLabel("A"))
        wipe_row.addWidget(self.wipe_slider, 1)
        wipe_row.addWidget(QLabel("B"))
        wipe = self._page(self.wipe_view, wipe_row)

        self.blink_view = BlinkView()
        self.blink_label = QLabel()
        self.blink_label.setObjectName("blinkShowing")
        self.blink_view.showing.connect(self._blinked)
        self.blink_interval = QSpinBox()
        self.blink_interval.setRange(100, 5000)
        self.blink_interval.setSingleStep(100)
        self.blink_interval.setValue(600)
        self.blink_interval.setToolTip(self.tr("How long each image is shown before the other"))
        self.blink_interval.setSuffix(self.tr(" ms"))
        self.blink_interval.valueChanged.connect(self.blink_view.timer.setInterval)
        self.blink_pause = QPushButton(self.tr("Pause"))
        self.blink_pause.setCheckable(True)
        self.blink_pause.toggled.connect(lambda paused: self.blink_view.set_running(not paused))
        blink_row = QHBoxLayout()
        blink_row.addWidget(self.blink_label)
        blink_row.addStretch(1)
        blink_row.addWidget(QLabel(self.tr("Interval:")))
        blink_row.addWidget(self.blink_interval)
        blink_row.addWidget(self.blink_pause)
        blink = self._page(self.blink_view, blink_row)

        self.difference_view = ImageView()
        self.difference_caption = QLabel()
        self.difference_caption.setWordWrap(True)
        difference = self._page(self.difference_view, self._difference_legend())
        self.keypoint_view = ImageView()
        self.keypoint_caption = QLabel()
        self.keypoint_caption.setWordWrap(True)
        keypoint_page = self._page(self.keypoint_view, self._keypoint_legend())
        # Each figure exportable on its own: PNG, caption, SHA-256 (context menu, or the
        # Export Figure button), and kept in the case as an artifact.
        self.difference_export = FigureExport(
            self.difference_view,
            "difference_map",
            lambda: self._figure_caption(self._difference_name(), self.difference_caption),
            colour_bar=True,
            store=self._store_figure,
        )
        self.keypoint_export = FigureExport(
            self.keypoint_view,
            "keypoint_matches",
            lambda: self._figure_caption("keypoint_matches", self.keypoint_caption),
            store=self._store_figure,
        )
        self.wipe_export = FigureExport(
            self.wipe_view, "wipe", lambda: self._overlay_caption("wipe"), store=self._store_figure
        )
        self.blink_export = FigureExport(
            self.blink_view,
            "blink",
            lambda: self._overlay_caption("blink"),
            store=self._store_figure,
        )
        self.exports = {
            "wipe": self.wipe_export,
            "blink": self.blink_export,
            "difference": self.difference_export,
            "keypoints": self.keypoint_export,
        }

        for view in (
            self.view_a,
            self.view_b,
            self.wipe_view,
            self.blink_view,
            self.difference_view,
        ):
            self.sync.add(view)
        # The label follows the view on show: hidden views fit themselves when resized.
        for view in (*self.sync.views, self.keypoint_view):
            view.zoom_changed.connect(lambda z, v=view: self._zoomed(v, z))

        self.report_needed = QWidget()
        self.report_message = QLabel()
        self.report_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.report_message.setWordWrap(True)
        self.run_button = QPushButton(self.tr("Run the comparison"))
        self.run_button.clicked.connect(lambda: self.pair.run())
        needed = QVBoxLayout(self.report_needed)
        needed.addStretch(1)
        needed.addWidget(self.report_message)
        needed.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignCenter)
        needed.addStretch(1)

        self.stack = QStackedWidget()
        self.pages = {
            "side": side,
            "wipe": wipe,
            "blink": blink,
            "difference": difference,
            "keypoints": keypoint_page,
            "needs report": self.report_needed,
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.note = QLabel()
        self.note.setObjectName("compareNote")
        self.note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(modes)
        self.inspect_tools = InspectTools()  # loupe, measurements, annotations
        self.inspection = CompareInspection(self, self.inspect_tools)
        layout.addWidget(self.inspect_tools)
        layout.addWidget(self.registration_bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)

    @staticmethod
    def _page(view: QWidget, below) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(view, 1)
        if isinstance(below, QWidget):
            column.addWidget(below)
        else:
            column.addLayout(below)
        return page

    def _build_registration_bar(self) -> None:
        """The switch between B registered onto A and B as stored, with what is shown in words."""
        self.registration_bar = QWidget()
        self.registration_bar.setObjectName("registrationBar")
        row = QHBoxLayout(self.registration_bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.registration_group = QButtonGroup(self)
        self.registered_button = QToolButton()
        self.registered_button.setObjectName("registeredButton")
        self.registered_button.setText(self.tr("Registered (B warped onto A)"))
        self.unwarped_button = QToolButton()
        self.unwarped_button.setObjectName("unwarpedButton")
        self.unwarped_button.setText(self.tr("As stored (unwarped)"))
        self.unwarped_button.setToolTip(
            self.tr(
                "Show B as stored, without any warp (stretched to A's size when the sizes "
                "differ): content that moved between A and B shows as difference"
            )
        )
        for number, button in enumerate((self.registered_button, self.unwarped_button)):
            button.setCheckable(True)
            self.registration_group.addButton(button, number)
            row.addWidget(button)
        self.registration_group.idClicked.connect(lambda number: self.set_registered(number == 0))
        self.inliers_box = QCheckBox(self.tr("Inlier points"))
        self.inliers_box.setObjectName("inlierPoints")
        self.inliers_box.setToolTip(
            self.tr(
                "Mark, in green, the keypoints of A whose matches in B agree with the homography "
                "(RANSAC inliers), over the registered wipe and blink"
            )
        )
        self.inliers_box.toggled.connect(lambda _on: self._apply_overlays())
        row.addWidget(self.inliers_box)
        self.registration_caption = QLabel()
        self.registration_caption.setObjectName("registrationCaption")
        self.registration_caption.setWordWrap(True)
        self.registration_caption.setStyleSheet("font-weight: bold")
        row.addWidget(self.registration_caption, 1)
        self.registration_bar.setVisible(False)

    def _difference_legend(self) -> QWidget:
        """Under the heat map: which pair and how, the colour bar with its meaning, the numbers."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.difference_title = QLabel()
        self.difference_title.setObjectName("differenceTitle")
        self.difference_title.setWordWrap(True)
        self.difference_title.setStyleSheet("font-weight: bold")
        column.addWidget(self.difference_title)
        bar_row = QHBoxLayout()
        low = QLabel(self.tr("0 = equal"))
        high = QLabel(self.tr("255 = largest"))
        self.colour_bar = ColourBar()
        self.colour_bar.setObjectName("differenceColourBar")
        self.colour_bar.setToolTip(
            self.tr(
                "The difference map's fixed colour scale (inferno): the largest of the R, G, B "
                "differences of a pixel, in 8-bit levels, from 0 (black: equal) to 255 (pale "
                "yellow)"
            )
        )
        bar_row.addWidget(low)
        bar_row.addWidget(self.colour_bar, 1)
        bar_row.addWidget(high)
        column.addLayout(bar_row)
        self.difference_legend = QLabel()
        self.difference_legend.setObjectName("differenceLegend")
        self.difference_legend.setWordWrap(True)
        column.addWidget(self.difference_legend)
        column.addWidget(self.difference_caption)
        return box

    def _keypoint_legend(self) -> QWidget:
        """Under the matches: what the two line colours mean, then the counts."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        inlier = swatch(
            keypoints.INLIER_COLOUR,
            self.tr("inlier: agrees with the homography (RANSAC)"),
            self.tr("Green line: a match whose points the homography maps onto each other"),
        )
        outlier = swatch(
            keypoints.OUTLIER_COLOUR,
            self.tr("outlier: passed the ratio test, does not fit the homography"),
            self.tr("Red line: a match that the homography does not explain"),
        )
        inlier.setObjectName("legendInlier")
        outlier.setObjectName("legendOutlier")
        row.addWidget(inlier)
        row.addWidget(outlier)
        row.addStretch(1)
        column.addLayout(row)
        note = QLabel(
            self.tr(
                "Each line joins a keypoint of A (left) to its match in B (right); when there "
                "are many, an even sample of each kind is drawn."
            )
        )
        note.setWordWrap(True)
        column.addWidget(note)
        column.addWidget(self.keypoint_caption)
        return box

    # 2. Modes and zoom

    def set_mode(self, mode: str) -> None:
        before = self.current_view()
        self.mode = mode
        self.mode_buttons.button(MODES.index(mode)).setChecked(True)
        self.blink_view.set_running(mode == "blink" and not self.blink_pause.isChecked())
        self.registration_bar.setVisible(mode in REGISTRABLE)
        self.export_button.setEnabled(mode in self.exports)
        if mode in NEEDS_REPORT and self.pair.report is None:
            self.pair.run()  # the heat map and the matches come from the pair comparison
        self._update_report_page()
        if mode != "keypoints" and before is not self.keypoint_view:
            ViewSync.align(self.current_view(), before)  # same zoom and place in the new mode
        self._zoomed(self.current_view(), self.current_view().zoom())

    def _zoomed(self, view: ImageView, zoom: float) -> None:
        if view is self.current_view():
            self.zoom_label.setText(f"{zoom * 100:.0f} %")

    def _update_report_page(self) -> None:
        if self.mode not in NEEDS_REPORT or self.pair.report is not None:
            self.stack.setCurrentWidget(self.pages[self.mode])
            return
        if self.pair.running:
            self.report_message.setText(self.tr("Comparing A and B…"))
        elif not self.pair.ready:
            self.report_message.setText(self.tr("Choose images A and B first."))
        else:
            self.report_message.setText(
                self.tr("The heat map and the keypoint matches come from the pair comparison.")
            )
        self.run_button.setVisible(self.pair.ready and not self.pair.running)
        self.stack.setCurrentWidget(self.report_needed)

    def current_view(self) -> ImageView:
        views = {
            "side": self.view_a,
            "wipe": self.wipe_view,
            "blink": self.blink_view,
            "difference": self.difference_view,
            "keypoints": self.keypoint_view,
        }
        return views[self.mode]

    def _fit(self) -> None:
        self.current_view().fit()

    def _actual_size(self) -> None:
        self.current_view().actual_size()

    def _zoom(self, ratio: float) -> None:
        self.current_view().zoom_by(ratio)

    def _blinked(self, side: str) -> None:
        artifact = self.pair.a if side == "A" else self.pair.b
        name = artifact.original_name if artifact else ""
        self.blink_label.setText(self.tr("Showing {side}: {name}").format(side=side, name=name))

    # 3. Pictures

    def _pair_changed(self) -> None:
        a, b = self.pair.a, self.pair.b
        self.caption_a.setText(f"A  #{a.id}  {a.original_name}" if a else self.tr("A: none"))
        self.caption_b.setText(f"B  #{b.id}  {b.original_name}" if b else self.tr("B: none"))
        self.difference_view.set_images()
        self.keypoint_view.set_images()
        self._forget_registration()
        self._update_registration_bar()
        self._update_report_page()
        if self._load_job is not None:
            self._load_job.cancel()
        paths = [self.pair.path(x) if x else None for x in (a, b)]

        def work(job: Job) -> tuple[QImage | None, QImage | None]:
            loaded = tuple(load_qimage(p) if p else None for p in paths)
            return loaded  # type: ignore[return-value]

        job = Job(work, "compare images")
        job.signals.succeeded.connect(self._show_images)
        self._load_job = self.runner.start(job)
        if self.mode in NEEDS_REPORT and self.pair.ready and self.pair.report is None:
            self.pair.run()

    def _show_images(self, images: tuple[QImage | None, QImage | None]) -> None:
        self.images = images
        a, b = images
        size = (a.width(), a.height()) if a is not None else None
        self.view_a.set_images(a)
        self.view_b.set_images(b, size=size)
        self._apply_overlays()
        if a is not None and b is not None and (b.width(), b.height()) != size:
            framing = metrics.get("ssim").framing
            self.note.setText(
                self.tr(
                    "B ({bw} × {bh}) is shown stretched to A's size ({aw} × {ah}) so that "
                    "the views line up. SSIM and the difference map: {rule}"
                ).format(
                    bw=b.width(),
                    bh=b.height(),
                    aw=a.width(),
                    ah=a.height(),
                    rule=framing.rule(i18n.language()) if framing else "",
                )
            )
        else:
            self.note.setText(
                self.tr("Wheel: zoom · drag: pan · double-click: fit. All views follow each other.")
            )
        if self.pair.report is not None:
            self._show_report(self.pair.report)

    def _figure_caption(self, picture: str, caption: QLabel) -> str:
        """An exported figure's caption: its title, the pair (names and SHA-256), what it shows."""
        title = next(m.picture for m in metrics.METRICS if m.picture and m.picture.name == picture)
        sides = [
            f"{name}: #{x.id} {x.original_name}, SHA-256 {x.sha256}"
            for name, x in (("A", self.pair.a), ("B", self.pair.b))
            if x is not None
        ]
        words = title.words[i18n.language()].title
        return f"{words}. {'; '.join(sides)}. {caption.text()}"

    def _show_report(self, report) -> None:
        self._start_warp(report)
        self._apply_overlays()
        if report.match_picture is not None:
            self.keypoint_view.set_images(to_qimage(report.match_picture))
        k = report.keypoints
        self.keypoint_caption.setText(
            self.tr(
                "{inliers} of {matches} SIFT matches agree on one homography "
                "({keypoints_a} keypoints in A, {keypoints_b} in B). {status}"
            ).format(
                inliers=k.inliers,
                matches=k.matches,
                keypoints_a=k.keypoints_a,
                keypoints_b=k.keypoints_b,
                status=labels.note(k.status),
            )
        )
        self._update_report_page()

    # 4. B registered onto A (the keypoint homography) or as stored

    def registration_problem(self, report=None) -> str | None:
        """Why B cannot be shown registered onto A for this report, or None when it can."""
        report = report if report is not None else self.pair.report
        if report is None:
            return self.tr(
                "Registration needs the keypoint homography of the pair comparison: choosing "
                "it runs the comparison."
            )
        k = report.keypoints
        if k.homography is None:
            return self.tr(
                "No homography for this pair ({status}): registration needs at least {n} "
                "keypoint matches that agree on one homography (RANSAC)."
            ).format(status=labels.note(k.status), n=keypoints.PARAMETERS["min_inliers"])
        if report.registered_difference_picture is None:
            return self.tr(
                "The homography places B over too little of A to compare them registered."
            )
        return None

    def showing_registered(self) -> bool:
        """True when wipe, blink and difference show B warped onto A."""
        return (
            self.registered_choice
            and self.registered_b is not None
            and self.registration_problem() is None
        )

    def set_registered(self, registered: bool) -> None:
        """The examiner's choice; choosing "registered" before the comparison runs it."""
        self.registered_choice = registered
        if registered and self.pair.report is None and self.pair.ready and not self.pair.running:
            self.pair.run()
        self._apply_overlays()

    def _forget_registration(self) -> None:
        if self._warp_job is not None:
            self._warp_job.cancel()
            self._warp_job = None
        self.registered_b = None

    def _start_warp(self, report) -> None:
        """B warped onto A's pixel grid by the report's homography, on a worker thread."""
        self._forget_registration()
        a = self.images[0]
        if a is None or self.pair.b is None or self.registration_problem(report) is not None:
            return
        path = self.pair.path(self.pair.b)
        homography, size = report.keypoints.homography, (a.width(), a.height())

        def work(job: Job):
            # B as the comparison read it (upright, alpha on white), warped as it was measured.
            warped = registration.b_on_a(load_image(path).rgb, homography, size)
            return report, to_qimage(warped)

        job = Job(work, "register B onto A")
        job.signals.succeeded.connect(self._warped)
        self._warp_job = self.runner.start(job)

    def _warped(self, result) -> None:
        report, image = result
        if report is not self.pair.report:
            return  # the pair or its comparison changed meanwhile
        self._warp_job = None
        self.registered_b = image
        self._apply_overlays()

    def _apply_overlays(self) -> None:
        """Wipe, blink and difference with B registered or as stored, and their captions."""
        a, b = self.images
        size = (a.width(), a.height()) if a is not None else None
        registered = self.showing_registered()
        view = self.current_view()
        scroll = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        shown_b = self.registered_b if registered else b
        self.wipe_view.set_images(a, shown_b, size=size)
        self.blink_view.set_images(a, shown_b, size=size)
        report = self.pair.report
        marks = None
        if registered and self.inliers_box.isChecked():
            marks = self._inlier_points()
        for overlay in (self.wipe_view, self.blink_view):
            overlay.set_marks(marks, keypoints.INLIER_COLOUR)
        if report is not None:
            picture = (
                report.registered_difference_picture if registered else report.difference_picture
            )
            self.difference_view.set_images(to_qimage(picture), size=size)
            self._describe_difference(report, registered)
        if not view.fit_on_resize:  # the same place as before the switch
            view.horizontalScrollBar().setValue(scroll[0])
            view.verticalScrollBar().setValue(scroll[1])
        self._update_registration_bar()

    def _inlier_points(self):
        """A's keypoints that agree with the homography ((N, 2) pixels), when the report has
        them (a comparison read back from its record keeps only the counts and the matrix)."""
        report = self.pair.report
        k = report.keypoints if report is not None else None
        if k is None or k.points_a is None or k.inlier_mask is None:
            return None
        return k.points_a[k.inlier_mask]

    def _update_registration_bar(self) -> None:
        registered = self.showing_registered()
        problem = self.registration_problem()
        report = self.pair.report
        # Before the comparison the switch stays usable: choosing "registered" runs it.
        possible = problem is None or report is None
        self.registered_button.setEnabled(possible and self.pair.ready)
        self.registered_button.setToolTip(
            problem
            if problem
            else self.tr(
                "Show B warped onto A by the keypoint homography, so that the same content lies "
                "on the same pixels (what the registered SSIM measures)"
            )
        )
        (self.registered_button if registered else self.unwarped_button).setChecked(True)
        points = self._inlier_points()
        self.inliers_box.setEnabled(registered and points is not None)
        self.inliers_box.setToolTip(
            self.tr(
                "Mark, in green, the keypoints of A whose matches in B agree with the homography "
                "(RANSAC inliers), over the registered wipe and blink"
            )
            if points is not None or report is None
            else self.tr(
                "A stored comparison keeps the homography, not the matched points: run the "
                "comparison again to mark its inliers"
            )
        )
        self.registration_caption.setText(self._registration_words())

    def _registration_words(self) -> str:
        """What wipe, blink and difference show now, and how, in one sentence."""
        if self.showing_registered():
            k = self.pair.report.keypoints
            return self.tr(
                "Registered: B warped onto A's pixel grid by the keypoint homography, fitted by "
                "RANSAC to {inliers} inlier matches of {matches}{mirrored}; bilinear "
                "interpolation, black where B does not reach."
            ).format(
                inliers=k.inliers,
                matches=k.matches,
                mirrored=self.tr(", B mirrored") if k.mirrored else "",
            )
        if self.pair.report is None and self.pair.running and self.registered_choice:
            return self.tr("As stored (unwarped) until the comparison finds the homography…")
        if self.registered_choice and self.registration_problem() is None:
            return self.tr("As stored (unwarped) while B is warped onto A…")
        words = self.tr(
            "As stored: B unwarped, over A as it is stored (stretched to A's size when the "
            "sizes differ)."
        )
        problem = self.registration_problem()
        if self.pair.report is not None and problem:
            words += " " + problem  # why there is no registered view
        return words

    def _describe_difference(self, report, registered: bool) -> None:
        a, b = self.pair.a, self.pair.b
        how = self.tr("B registered onto A") if registered else self.tr("B as stored, unwarped")
        self.difference_title.setText(
            self.tr("Difference of A #{a} {name_a} and B #{b} {name_b}: {how}.").format(
                a=a.id if a else "?",
                name_a=a.original_name if a else "",
                b=b.id if b else "?",
                name_b=b.original_name if b else "",
                how=how,
            )
        )
        legend = self.tr(
            "Colour: the largest of the R, G, B differences of a pixel, in 8-bit levels, on one "
            "fixed scale: black = equal (0) → pale yellow = 255."
        )
        if registered:
            legend += " " + self.tr("Grey: outside the part of A that B covers (not compared).")
        self.difference_legend.setText(legend)
        s = report.registered_structure if registered else report.structure
        # SSIM needs its 11×11 window: smaller images have none (NaN), said in words.
        finite = s.ssim is not None and math.isfinite(s.ssim)
        ssim = f"{s.ssim:.4f}" if finite else self.tr("not run (under 11 px)")
        if registered:
            self.difference_caption.setText(
                self.tr(
                    "Per-pixel difference |A − B registered| (largest channel), fixed scale: "
                    "black = equal, pale yellow = 255, grey = not covered by B. Over the "
                    "{covered:.0%} of A that B covers: mean difference {mean:.1%}; {changed:.1%} "
                    "of pixels differ by more than 32 of 255. Registered SSIM {ssim}."
                ).format(
                    covered=s.compared_fraction,
                    mean=s.mean_abs_difference,
                    changed=s.changed_fraction,
                    ssim=ssim,
                )
            )
        else:
            self.difference_caption.setText(
                self.tr(
                    "Per-pixel difference |A − B| (largest channel), fixed scale: black = equal, "
                    "pale yellow = 255. Mean difference {mean:.1%}; {changed:.1%} of pixels "
                    "differ by more than 32 of 255. SSIM {ssim}."
                ).format(mean=s.mean_abs_difference, changed=s.changed_fraction, ssim=ssim)
            )
        self.difference_export.name = self._difference_name()

    def _difference_name(self) -> str:
        return "registered_difference_map" if self.showing_registered() else "difference_map"

    # 5. Figures: exported as PNG + caption + SHA-256, and kept in the case

    def export_current(self) -> ExportedFigure | None:
        """Export Figure… for the view shown (the button)."""
        export = self.exports.get(self.mode)
        if export is None or not export.view.items:
            return None
        return export.ask()

    def _overlay_caption(self, mode: str) -> str:
        """An exported wipe's or blink's caption: what, the pair, registered or not."""
        sides = [
            f"{name}: #{x.id} {x.original_name}, SHA-256 {x.sha256}"
            for name, x in (("A", self.pair.a), ("B", self.pair.b))
            if x is not None
        ]
        if mode == "wipe":
            what = self.tr("Wipe: A left of the line at {at:.0%} of the width, B right").format(
                at=self.wipe_view.split
            )
        else:
            what = self.tr("Blink, showing {side}").format(side=self.blink_view.current)
        return f"{what}. {'; '.join(sides)}. {self._registration_words()}"

    def _store_figure(self, figure: ExportedFigure) -> str:
        """Keep the exported PNG in the open case (a job with the session's writer); says what
        happens, for the export's message."""
        session = self.pair.session
        case = session.case
        if case is None:
            return self.tr("No case is open: the figure was not stored in a case.")
        if case.readonly:
            return self.tr("The case is open read-only: the figure was not stored in it.")
        record = self.pair.record_id
        source = (
            self.tr("Exported from the Compare panel; comparison record #{id}.").format(id=record)
            if record is not None
            else self.tr("Exported from the Compare panel.")
        )
        note = f"{figure.text} ({source})"
        job = Job(
            lambda job: store_figure(figure, job.writer, note),
            "store figure",
            writer=session.writer(),
        )
        job.signals.succeeded.connect(self._figure_stored)
        job.signals.failed.connect(self._figure_failed)
        self.runner.start(job)
        return self.tr('A copy is being stored in the case as an artifact (role "other").')

    def _figure_stored(self, artifact) -> None:
        self.pair.session.refresh()
        self.stored_figure = artifact
        self.note.setText(
            self.tr("Figure stored in the case as artifact #{id} ({name}), SHA-256 {sha}.").format(
                id=artifact.id, name=artifact.original_name, sha=artifact.sha256
            )
        )

    def _figure_failed(self, message: str, _bug: bool) -> None:
        QMessageBox.warning(
            self,
            self.tr("Export Figure"),
            self.tr("The figure was saved but not stored in the case: {why}").format(why=message),
        )
