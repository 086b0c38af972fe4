"""Errors a user can cause and fix. The CLI prints them as one line; the GUI shows a dialog.

Anything that is not a WorkstationError is a bug and keeps its traceback.
"""


class WorkstationError(Exception):
    """A problem with the user's input or environment, stated so the user can act on it."""


class InputError(WorkstationError):
    """A file or value given by the user cannot be used (missing, unreadable, wrong type)."""


class CaseError(WorkstationError):
    """A case folder cannot be created or opened (not a case, newer schema, already exists)."""


class ModelError(WorkstationError):
    """A model, LoRA or checkpoint file cannot be used."""


class Cancelled(WorkstationError):
    """The user asked a long-running job to stop."""
