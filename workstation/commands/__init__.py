"""CLI sub-commands, one module per area. Each module has `register(subparsers)`.

A command parses arguments, calls plain functions from core/engine/analysis/report, and prints.
The GUI calls the same functions, never these modules.
"""
