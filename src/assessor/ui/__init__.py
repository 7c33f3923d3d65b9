"""The Qt Widgets GUI. Only this package and `assessor.app` import PySide6."""
