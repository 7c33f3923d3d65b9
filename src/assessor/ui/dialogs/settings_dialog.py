"""Edit the typed settings (`assessor.settings.Settings`). The ranges and choices come from
the settings fields themselves, so the dialog offers exactly what `settings.load` accepts.

Nothing secret is edited here: the sync token and remembered passphrases are in the keyring.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assessor import settings as settings_module
from assessor.settings import Settings, backend_url_problem, value_range
from assessor.ui import theme

__all__ = ["SettingsDialog"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("SettingsDialog", text)


_THEME_WORDS = {
    "system": "Same as the computer",
    "light": "Light",
    "dark": "Dark",
}


def _spin(name: str, *, step: int, suffix: str = "", scale: int = 1) -> QSpinBox:
    low, high = value_range(name)
    spin = QSpinBox()
    spin.setRange(round(low * scale), round(high * scale))
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setAccelerated(True)
    spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    return spin


class SettingsDialog(QDialog):
    """A form over `Settings`; `result_settings()` after it was accepted."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsDialog")
        self.setWindowTitle(_tr("Settings"))
        self._original = settings

        # -- appearance
        self.theme = QComboBox()
        for value in settings_module.choices("theme"):
            self.theme.addItem(_tr(_THEME_WORDS.get(value, value)), value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))

        self.font_scale = _spin("font_scale", step=10, suffix=" %", scale=100)
        self.font_scale.setValue(round(settings.font_scale * 100))
        self.font_scale.setToolTip(_tr("Size of the text, against the computer's own size."))

        # -- work
        self.search_delay = _spin("search_delay_ms", step=50, suffix=_tr(" ms"))
        self.search_delay.setValue(settings.search_delay_ms)
        self.search_delay.setToolTip(
            _tr("How long search waits after your last key before it looks. 0: at once.")
        )
        self.page_size = _spin("queue_page_size", step=50, suffix=_tr(" rows"))
        self.page_size.setValue(settings.queue_page_size)
        self.page_size.setToolTip(
            _tr("How many rows of the queue Assessor reads at a time as you scroll.")
        )
        self.confirm_external = QCheckBox(_tr("&Ask before opening evidence in another program"))
        self.confirm_external.setChecked(settings.confirm_open_external)
        self.confirm_external.setToolTip(
            _tr(
                "Learners' files are not checked for harm. Opening one in another program "
                "lets that program read it."
            )
        )

        # -- security
        self.lock_after = _spin("lock_after_minutes", step=5, suffix=_tr(" min"))
        self.lock_after.setSpecialValueText(_tr("Never"))
        self.lock_after.setValue(settings.lock_after_minutes)
        self.lock_after.setToolTip(
            _tr(
                "Assessor asks for your passphrase again after this many minutes without "
                "use. Your work is saved first."
            )
        )

        # -- sync
        self.backend_url = QLineEdit(settings.backend_url)
        self.backend_url.setPlaceholderText(_tr("https://… (empty: work offline)"))
        self.backend_url.setToolTip(
            _tr(
                "The issuing backend your finished work is sent to. Leave it empty to "
                "work offline; nothing is sent."
            )
        )
        self.backend_url.setMinimumWidth(320)

        appearance = self._group(
            _tr("Appearance"),
            [(_tr("&Theme:"), self.theme), (_tr("Text si&ze:"), self.font_scale)],
        )
        work = self._group(
            _tr("Queue and scoring"),
            [
                (_tr("Search &delay:"), self.search_delay),
                (_tr("&Rows loaded at a time:"), self.page_size),
                ("", self.confirm_external),
            ],
        )
        security = self._group(_tr("Security"), [(_tr("Lock after &idle:"), self.lock_after)])
        sync = self._group(_tr("Sync"), [(_tr("&Backend address:"), self.backend_url)])

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(_tr("Problem"))
        bold = QFont(self.problem.font())
        bold.setBold(True)
        self.problem.setFont(bold)
        palette = self.problem.palette()
        red = theme.text_colour("red", self.palette())
        palette.setColor(self.problem.foregroundRole(), red)
        self.problem.setPalette(palette)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        # One label column across the groups, so the fields line up.
        labels = [
            label
            for group in (appearance, work, security, sync)
            for label in group.findChildren(QLabel)
        ]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)

        layout = QVBoxLayout(self)
        for group in (appearance, work, security, sync):
            layout.addWidget(group)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.backend_url.textChanged.connect(self._validate)
        for spin in (self.font_scale, self.search_delay, self.page_size, self.lock_after):
            # The spin box's own signal covers setValue; the editor's covers typing.
            spin.textChanged.connect(self._validate)
            spin.lineEdit().textChanged.connect(self._validate)
        self._validate()

    @staticmethod
    def _group(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        # Numbers stay number-sized; only the address field grows with the window.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for text, field in rows:
            if text:
                label = QLabel(text)
                label.setBuddy(field)
                field.setAccessibleName(text.replace("&", "").rstrip(":"))
                form.addRow(label, field)
            else:
                form.addRow(field)
        return box

    def problems(self) -> list[str]:
        """What stops OK, in words; empty when the form can be accepted."""
        found = []
        url_problem = backend_url_problem(self.backend_url.text().strip())
        if url_problem:
            found.append(_tr("Backend address: {why}.").format(why=url_problem))
        for label, spin in (
            (_tr("Text size"), self.font_scale),
            (_tr("Search delay"), self.search_delay),
            (_tr("Rows loaded at a time"), self.page_size),
            (_tr("Lock after idle"), self.lock_after),
        ):
            if not spin.hasAcceptableInput():
                found.append(
                    _tr("{what}: type a number from {low} to {high}.").format(
                        what=label, low=spin.minimum(), high=spin.maximum()
                    )
                )
        return found

    def _validate(self) -> None:
        found = self.problems()
        self.problem.setText("\n".join(found))
        self.problem.setVisible(bool(found))
        self.ok_button.setEnabled(not found)
        self.ok_button.setToolTip(_tr("Fix the problem shown above first.") if found else "")

    def accept(self) -> None:
        if self.problems():  # Enter in a field while OK is disabled
            return
        super().accept()

    def result_settings(self) -> Settings:
        """The settings as the form shows them (the original ones where nothing changed)."""
        original = self._original
        font_scale = self.font_scale.value() / 100
        if round(original.font_scale * 100) == self.font_scale.value():
            font_scale = original.font_scale
        return dataclasses.replace(
            original,
            theme=self.theme.currentData(),
            font_scale=font_scale,
            search_delay_ms=self.search_delay.value(),
            queue_page_size=self.page_size.value(),
            confirm_open_external=self.confirm_external.isChecked(),
            lock_after_minutes=self.lock_after.value(),
            backend_url=self.backend_url.text().strip(),
        )
