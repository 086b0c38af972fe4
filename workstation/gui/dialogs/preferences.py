"""Edit ▸ Preferences: folders, device, identity, language and theme."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.core.params import DEVICES
from workstation.gui import labels
from workstation.gui.settings import LANGUAGES, THEMES, Settings


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.settings = settings

        self.model_folder = QLineEdit(settings.model_folder)
        self.model_folder.setPlaceholderText(self.tr("folder holding checkpoints and LoRAs"))
        self.clip_model = QLineEdit(settings.clip_model)
        self.clip_model.setPlaceholderText(self.tr("optional: local CLIP weights for analysis"))
        self.clip_arch = QLineEdit(settings.clip_arch)
        self.clip_arch.setObjectName("clipArch")
        self.clip_arch.setPlaceholderText(
            self.tr("ViT-B-32 (for a checkpoint file; a model folder names its own)")
        )
        self.device = QComboBox()
        for device in DEVICES:
            self.device.addItem(self.tr("automatic") if device == "auto" else device, device)
        self.device.setCurrentIndex(DEVICES.index(settings.device))
        self.warm_up = QCheckBox(self.tr("Load the model when the window starts"))
        self.warm_up.setObjectName("warmUp")
        self.warm_up.setChecked(settings.warm_up)
        self.model_folder.setToolTip(
            self.tr("The Generate panel lists the base models and LoRAs found in this folder")
        )
        self.clip_model.setToolTip(
            self.tr(
                "A CLIP checkpoint file or folder on this computer; the comparison then also "
                "measures CLIP cosine (nothing is downloaded)"
            )
        )
        self.clip_arch.setToolTip(
            self.tr("The open_clip architecture of a bare checkpoint file, e.g. ViT-B-32")
        )
        self.device.setToolTip(
            self.tr("Where models run: automatic picks the GPU when there is one, else the CPU")
        )
        self.warm_up.setToolTip(
            self.tr(
                "Load the Generate panel's model in the background at start, so the first "
                "generation does not wait for it (uses memory while the window is open)"
            )
        )
        engine = QGroupBox(self.tr("Models"))
        engine_form = QFormLayout(engine)
        engine_form.addRow(self.tr("Model folder:"), self._with_browse(self.model_folder, True))
        engine_form.addRow(self.tr("CLIP model:"), self._with_browse(self.clip_model, False))
        engine_form.addRow(self.tr("CLIP architecture:"), self.clip_arch)
        engine_form.addRow(self.tr("Device:"), self.device)
        engine_form.addRow("", self.warm_up)

        self.examiner = QLineEdit(settings.examiner)
        self.examiner.setPlaceholderText(self.tr("recorded as the actor in audit logs"))
        self.examiner.setToolTip(self.tr("Your name, written into the audit log of every change"))
        self.organisation = QLineEdit(settings.organisation)
        self.organisation.setToolTip(
            self.tr("Your laboratory or firm; new cases and reports name it")
        )
        identity = QGroupBox(self.tr("Examiner"))
        identity_form = QFormLayout(identity)
        identity_form.addRow(self.tr("Name:"), self.examiner)
        identity_form.addRow(self.tr("Organisation:"), self.organisation)

        self.language = QComboBox()
        self.language.setObjectName("languageChoice")
        for language in LANGUAGES:
            self.language.addItem(labels.language(language), language)
        self.language.setCurrentIndex(LANGUAGES.index(settings.language))
        self.theme = QComboBox()
        self.theme.setObjectName("themeChoice")
        for theme in THEMES:
            self.theme.addItem(labels.theme(theme), theme)
        self.theme.setCurrentIndex(THEMES.index(settings.theme))
        self.language.setToolTip(self.tr("The window's language (the report chooses its own)"))
        self.theme.setToolTip(self.tr("Light, dark, or as the system is set"))
        look = QGroupBox(self.tr("Appearance"))
        look_form = QFormLayout(look)
        look_form.addRow(self.tr("Language:"), self.language)
        look_form.addRow(self.tr("Theme:"), self.theme)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for group in (engine, identity, look):
            layout.addWidget(group)
        layout.addWidget(buttons)
        self.resize(560, 0)

    def _with_browse(self, field: QLineEdit, folder: bool) -> QHBoxLayout:
        button = QPushButton(self.tr("Browse…"))
        button.setToolTip(self.tr("Choose it with a file dialog"))

        def browse() -> None:
            if folder:
                chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"))
            else:
                chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"))
            if chosen:
                field.setText(chosen)

        button.clicked.connect(browse)
        row = QHBoxLayout()
        row.addWidget(field, 1)
        row.addWidget(button)
        return row

    def apply(self) -> None:
        """Write the choices into the settings (the caller applies theme and language)."""
        s = self.settings
        s.model_folder = self.model_folder.text().strip()
        s.clip_model = self.clip_model.text().strip()
        s.clip_arch = self.clip_arch.text().strip()
        s.device = self.device.currentData()
        s.warm_up = self.warm_up.isChecked()
        s.examiner = self.examiner.text().strip()
        s.organisation = self.organisation.text().strip()
        s.language = self.language.currentData()
        s.theme = self.theme.currentData()
        s.sync()
