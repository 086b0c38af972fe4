"""The PySide6 desktop window: the only package that imports Qt.

`app.run()` starts it; panels call the same plain functions as the CLI commands, on worker
threads (`jobs.py`), and show lower-layer errors as dialogs.
"""
