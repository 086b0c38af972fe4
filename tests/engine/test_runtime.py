"""Run state: a runtime sets torch's threads and determinism for one run and restores them, its
thread policy counts the free cores, and its progress events reach the CLI printer."""

from __future__ import annotations

import pytest
import torch

from workstation.commands.progress import StepPrinter
from workstation.core.errors import Cancelled, InputError
from workstation.core.progress import ProgressEvent
from workstation.engine import runtime as runtime_module
from workstation.engine.generate import txt2img
from workstation.engine.runtime import Runtime, thread_policy


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch):
    """The thread policy on a 4-core machine whose load the test sets (runnable processes, ours
    included), without the tests' fixed count."""
    monkeypatch.delenv(runtime_module.THREADS_ENV, raising=False)
    monkeypatch.setattr(runtime_module, "usable_cores", lambda: 4)

    def load(running: int) -> int:
        monkeypatch.setattr(runtime_module, "_running_now", lambda: running)
        return thread_policy(samples=2, interval_s=0)

    return load


def test_the_policy_gives_the_free_cores_and_at_least_one(policy) -> None:
    assert policy(1) == 4  # only us: every core
    assert policy(3) == 2  # two others busy
    assert policy(4) == 1
    assert policy(40) == 1  # never none


def test_the_policy_takes_the_busiest_sample(policy, monkeypatch) -> None:
    samples = iter([1, 3, 1])
    monkeypatch.setattr(runtime_module, "_running_now", lambda: next(samples))
    assert thread_policy(samples=3, interval_s=0) == 2  # a short lull hands out nothing


def test_the_policy_stays_within_the_usable_cores_of_this_machine(monkeypatch) -> None:
    monkeypatch.delenv(runtime_module.THREADS_ENV, raising=False)
    assert 1 <= thread_policy(samples=2, interval_s=0) <= runtime_module.usable_cores()


def test_workstation_threads_fixes_the_count(policy, monkeypatch) -> None:
    monkeypatch.setenv(runtime_module.THREADS_ENV, "3")
    assert policy(40) == 3
    monkeypatch.setenv(runtime_module.THREADS_ENV, "none")
    with pytest.raises(InputError, match="WORKSTATION_THREADS"):
        thread_policy()


@pytest.fixture
def torch_state():
    """Torch's global run state before the test, put back after it."""
    before = (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled())
    yield before
    torch.set_num_threads(before[0])
    torch.use_deterministic_algorithms(before[1])


def test_applied_sets_the_state_for_the_run_and_restores_it_after_an_error(torch_state) -> None:
    torch.set_num_threads(3)
    run_state = Runtime(threads=2, deterministic=True)
    with pytest.raises(RuntimeError, match="inside"), run_state.applied() as run:
        assert run.threads == 2
        assert torch.get_num_threads() == 2
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark
        raise RuntimeError("a failure inside the run")
    assert torch.get_num_threads() == 3
    assert torch.are_deterministic_algorithms_enabled() == torch_state[1]
    assert not torch.backends.cudnn.deterministic


def test_applied_resolves_the_count_once_by_the_policy(policy, torch_state) -> None:
    policy(3)
    with Runtime().applied() as run:
        assert run.threads == torch.get_num_threads() == 2
        with run.applied() as inner:  # a nested entry point keeps the count it was given
            assert inner.threads == 2
    assert torch.get_num_threads() == torch_state[0]


def test_a_generation_records_the_count_it_ran_with_and_leaves_torch_as_it_was(
    tiny_model, params, torch_state
) -> None:
    torch.set_num_threads(3)
    events: list[ProgressEvent] = []
    result = txt2img(
        tiny_model, params, runtime=Runtime(threads=2, on_progress=events.append), decode_steps=()
    )
    assert result.record["environment"]["torch_threads"] == 2
    assert torch.get_num_threads() == 3
    assert [(e.step, e.total) for e in events] == [(i, 6) for i in range(1, 7)]
    assert events[0].preview is result.steps[0].preview and events[0].message == ""
    stop_at_8 = Runtime(on_progress=events.append, is_cancelled=lambda: len(events) >= 8)
    with pytest.raises(Cancelled, match="step 2 of 6"):
        txt2img(tiny_model, params, runtime=stop_at_8)


def test_legacy_callbacks_are_called_in_their_old_forms() -> None:
    seen: list[tuple] = []
    detail = Runtime.from_callbacks(None, lambda *args: seen.append(("detail", *args)))
    detail.report(1, 2, preview="picture")
    detail.report(2, 2, "a line")
    detail.report(0, 0)
    value = Runtime.from_callbacks(None, lambda *args: seen.append(("value", *args)), form="value")
    value.report(3, 9, value=0.25)
    value.say("stage")  # training's stage lines had no legacy form
    message = Runtime.from_callbacks(
        None, lambda text: seen.append(("message", text)), form="message"
    )
    message.say("size 5: training")
    message.report(4, 9)  # steps had no legacy form in the lab
    assert seen == [
        ("detail", 1, 2, "picture"),
        ("detail", 2, 2, "a line"),
        ("detail", 0, 0, None),
        ("value", 3, 9, 0.25),
        ("message", "size 5: training"),
    ]
    kept = Runtime(threads=2, deterministic=True)
    merged = Runtime.from_callbacks(kept, is_cancelled=lambda: True)
    assert (merged.threads, merged.deterministic, merged.cancelled()) == (2, True, True)
    with pytest.raises(TypeError, match="given twice"):
        Runtime.from_callbacks(Runtime(on_progress=print), lambda *args: None)


def test_the_cli_printer_shows_messages_and_on_a_terminal_a_counter(capsys) -> None:
    printer = StepPrinter()
    printer.tty = False  # a log: messages only
    runtime = Runtime(on_progress=printer)
    runtime.report(1, 20, preview="picture")
    runtime.report(2, 20, "item 1/2 (seed 1): generated in 0.2 s")
    assert capsys.readouterr().err == "item 1/2 (seed 1): generated in 0.2 s\n"

    printer.tty = True
    runtime.report(3, 20, value=0.1234)
    runtime.say("size 5: training")
    printer.end_line()
    assert capsys.readouterr().err == "\rstep 3/20  0.1234\nsize 5: training\n"
