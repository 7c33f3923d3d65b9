"""The shell's dialogs: unlock, settings, shortcuts, diagnostics and the error report."""
