"""The Compare panel: two images side by side with synchronised zoom and pan, a wipe, blink,
the difference heat map and the keypoint matches (the last two from the pair comparison)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.analysis import metrics
from workstation.gui import i18n
from workstation.gui.figure_export import FigureExport
from workstation.gui.images import load_qimage, to_qimage
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.pair_state import PairState
from workstation.gui.widgets.image_view import ZOOM_STEP, ImageView, ViewSync
from workstation.gui.widgets.overlay_views import BlinkView, WipeView
from workstation.gui.widgets.pair_picker import PairPicker

MODES = ("side", "wipe", "blink", "difference", "keypoints")
NEEDS_REPORT = ("difference", "keypoints")


class ComparePanel(QWidget):
    def __init__(self, pair: PairState, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.pair = pair
        self.runner = runner
        self.images: tuple[QImage | None, QImage | None] = (None, None)
        self._load_job: Job | None = None
        self.mode = "side"
        self._build()
        pair.changed.connect(self._pair_changed)
        pair.report_ready.connect(self._show_report)
        pair.running_changed.connect(lambda _running: self._update_report_page())
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
        difference = self._page(self.difference_view, self.difference_caption)
        self.keypoint_view = ImageView()
        self.keypoint_caption = QLabel()
        self.keypoint_caption.setWordWrap(True)
        keypoints = self._page(self.keypoint_view, self.keypoint_caption)
        # Each figure exportable on its own: PNG, caption, SHA-256 (context menu).
        self.difference_export = FigureExport(
            self.difference_view,
            "difference_map",
            lambda: self._figure_caption("difference_map", self.difference_caption),
            colour_bar=True,
        )
        self.keypoint_export = FigureExport(
            self.keypoint_view,
            "keypoint_matches",
            lambda: self._figure_caption("keypoint_matches", self.keypoint_caption),
        )

        for view in (
            self.view_a,
            self.view_b,
            self.wipe_view,
            self.blink_view,
            self.difference_view,
        ):
            self.sync.add(view)
        for view in (*self.sync.views, self.keypoint_view):
            view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f} %"))

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
            "keypoints": keypoints,
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

    # 2. Modes and zoom

    def set_mode(self, mode: str) -> None:
        before = self.current_view()
        self.mode = mode
        self.mode_buttons.button(MODES.index(mode)).setChecked(True)
        self.blink_view.set_running(mode == "blink" and not self.blink_pause.isChecked())
        if mode in NEEDS_REPORT and self.pair.report is None:
            self.pair.run()  # the heat map and the matches come from the pair comparison
        self._update_report_page()
        if mode != "keypoints" and before is not self.keypoint_view:
            ViewSync.align(self.current_view(), before)  # same zoom and place in the new mode

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
        if self.mode in NEEDS_REPORT and self.pair.ready:
            self.pair.run()

    def _show_images(self, images: tuple[QImage | None, QImage | None]) -> None:
        self.images = images
        a, b = images
        size = (a.width(), a.height()) if a is not None else None
        self.view_a.set_images(a)
        self.view_b.set_images(b, size=size)
        self.wipe_view.set_images(a, b, size=size)
        self.blink_view.set_images(a, b, size=size)
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
        a = self.images[0]
        size = (a.width(), a.height()) if a is not None else None
        self.difference_view.set_images(to_qimage(report.difference_picture), size=size)
        s = report.structure
        # SSIM needs its 11×11 window: smaller images have none (NaN), said in words.
        finite = s.ssim is not None and math.isfinite(s.ssim)
        ssim = f"{s.ssim:.4f}" if finite else self.tr("not run (under 11 px)")
        self.difference_caption.setText(
            self.tr(
                "Per-pixel difference |A − B| (largest channel), fixed scale: black = equal, "
                "pale yellow = 255. Mean difference {mean:.1%}; {changed:.1%} of pixels "
                "differ by more than 32 of 255. SSIM {ssim}."
            ).format(mean=s.mean_abs_difference, changed=s.changed_fraction, ssim=ssim)
        )
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
                status=k.status,
            )
        )
        self._update_report_page()
