"""The `workstation` command: one entry point, sub-commands registered per area."""

from __future__ import annotations

import argparse
import os
import sys

from workstation import __version__
from workstation.commands.terminal import printable
from workstation.core.errors import WorkstationError
from workstation.paths import FROZEN

# Nothing in this program may reach a model hub; libraries that would try are told so up front.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def build_parser() -> argparse.ArgumentParser:
    from workstation.commands import (
        case,
        compare,
        demo,
        dev,
        exam,
        finding,
        generate,
        index,
        metadata,
        models,
        report,
        reproduce,
        study,
        train,
    )
    from workstation.gui import command as gui

    parser = argparse.ArgumentParser(
        prog="workstation",
        description="Offline workstation for examining AI-generated images as evidence.",
    )
    parser.add_argument("--version", action="version", version=f"workstation {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (
        case,
        finding,
        demo,
        compare,
        exam,
        index,
        gui,
        models,
        generate,
        dev,
        report,
        metadata,
        reproduce,
        study,
        train,
    ):
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    refused = _not_utf8(words)
    if refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    if words == ["--version"]:  # before the parser, which imports every command's module
        print(f"workstation {__version__}")
        return 0
    if not words and FROZEN:  # the installed application, started from its icon: the window
        words = ["gui"]
    parser = build_parser()
    try:
        args = parser.parse_args(words)  # an option's own check may refuse its value here
        return int(args.func(args) or 0)
    except WorkstationError as error:
        if os.environ.get("WORKSTATION_DEBUG") == "1":  # for support: what lay under the line
            _print_chain(error)
        print(f"error: {printable(str(error), indent='  ')}", file=sys.stderr)  # names in it
        return 2
    except BrokenPipeError:
        # The reader went away (`… | head`): not an error of ours; stay quiet at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:
        # The file system refused (permissions, disk full, read-only media): not a bug.
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {printable(where)}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug of ours: one line here, the traceback in a file
        return _internal_error(error)


def _print_chain(error: BaseException) -> None:
    """Every exception under a user error, tracebacks included: also the ones our messages
    replaced (`raise … from None` hides them from Python's own printout)."""
    import traceback

    chain = []
    while error is not None and len(chain) < 20:
        chain.append(error)
        error = error.__cause__ or error.__context__
    for link in reversed(chain):
        traceback.print_exception(type(link), link, link.__traceback__, chain=False)


def _not_utf8(words: list[str]) -> str | None:
    """Bytes that are not UTF-8 reach Python as lone surrogates; a case stores names and text as
    UTF-8, so they are refused here once for every command (the app layer checks again for
    the window)."""
    for index, word in enumerate(words):
        bad = next((i for i, char in enumerate(word) if "\ud800" <= char <= "\udfff"), None)
        if bad is None:
            continue
        option = words[index - 1] if index else ""
        if option.startswith("--"):
            return (
                f"the {option.split('=')[0]} value is not valid UTF-8 text "
                f"(character {bad + 1} is {word[bad]!r})"
            )
        return (
            f"{printable(word)}: not valid UTF-8 (a file name or text given on the command "
            "line); rename the file or re-type the text"
        )
    return None


# Exit status of an unexpected failure (sysexits' EX_SOFTWARE): a bad input is 2, this is a bug,
# and the hostile-input tests tell the two apart by it.
INTERNAL_ERROR = 70


def _internal_error(error: Exception) -> int:
    from workstation.core.crash_log import write_crash_log

    log = write_crash_log(error)
    what = printable(f"{type(error).__name__}: {error}")[:300]
    where = f"; details in {printable(str(log))}" if log else ""
    print(f"error: internal error ({what}){where}", file=sys.stderr)
    return INTERNAL_ERROR
