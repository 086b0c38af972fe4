"""Use cases: one module per operation, called by both front ends (CLI and window).

Each module holds a frozen request type (its inputs and their defaults, once), the orchestration
(load, run, store through the case's typed records), and returns a plain result. `commands/`
parses arguments into requests and prints results; `gui/` binds widgets to requests and runs the
same functions as jobs. Nothing here imports Qt.
"""
