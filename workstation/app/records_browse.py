"""Every record of a case as a browser lists it (the window's Records panel): one typed row per
record with its kind, a short title built from the record, when it was made, whether an
amendment withdrew it, and the artifacts and records it links.

The titles are built here, from the record and the case's artifact names, in the window's
language (`WORDS`: the few words a title needs besides names and numbers). It reads from an open
`Case` or from the window's session snapshot alike; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

from workstation.app.examiner_records import authors
from workstation.app.session import kind_of
from workstation.core.audit import AuditEntry
from workstation.core.case import Artifact, Record
from workstation.report.recorded import recorded
from workstation.report.strings import Strings

# The kinds a browser offers to filter by, in the order an examination produces them.
KINDS = (
    "comparison",
    "generation",
    "study",
    "lab",
    "reproduction",
    "exam",
    "corpus_search",
    "report",
    "finding",
    "provenance",
    "amendment",
)
INPUT_ROLES = ("input", "reference", "about")
OUTPUT_ROLES = ("output", "figure", "document")
TITLE_LENGTH = 100

WORDS = {
    "en": {
        "lang": "en",
        "generation": "seed {seed}, {steps} steps",
        "item": "item of study #{study}",
        "no_generator": "no generator named",
        "withdraws": "withdraws #{id}",
        "corrects": "#{id} {field} → {value}",
        "case_property": "case {field} → {value}",
        "exam": {
            "membership": "membership",
            "set": "set test",
            "prompts": "prompt screen",
            "attribute": "attribution",
            "extract": "extraction",
        },
        "corpus_search": "{query} in {index} ({works} works, {kind})",
        "unreadable": "unreadable record: {problem}",
        "separator": ", ",
    },
    "zh": {
        "lang": "zh",
        "generation": "种子 {seed}，{steps} 步",
        "item": "研究 #{study} 的一项",
        "no_generator": "未识别生成器",
        "withdraws": "撤回 #{id}",
        "corrects": "#{id} {field} → {value}",
        "case_property": "案件 {field} → {value}",
        "exam": {
            "membership": "成员推断",
            "set": "集合检验",
            "prompts": "提示词筛查",
            "attribute": "模型溯源",
            "extract": "提取",
        },
        "corpus_search": "{query} 检索 {index}（{works} 件作品，{kind}）",
        "unreadable": "无法读取的记录：{problem}",
        "separator": "，",
    },
}


class Readable(Protocol):
    """A case as this module reads it: `core.case.Case` or `app.session.Session`."""

    def records(self, kind: str | None = None) -> list[Record]: ...

    def artifacts(self) -> list[Artifact]: ...

    def audit_entries(self) -> list[AuditEntry]: ...


@dataclass(frozen=True)
class RecordRow:
    record_id: int
    kind: str  # as its schema reads it (an old lab stored as a study is a "lab")
    title: str
    created_at: str  # UTC, ISO 8601, as stored
    actor: str  # who recorded it (the audit entry that created it)
    withdrawn: bool
    withdrawal: str | None  # the reason of the amendment that withdrew it
    inputs: tuple[int, ...]  # artifacts it used: input, reference, about
    outputs: tuple[int, ...]  # artifacts it made: output, figure, document
    steps: tuple[int, ...]  # its kept denoising steps
    records: tuple[int, ...]  # records it links: study items, the record a finding is about…
    part_of: int | None  # the study whose item this generation is
    names: tuple[str, ...]  # the file names of the artifacts it links (searched by `matches`)

    @property
    def time(self) -> str:
        """'2026-11-30 16:18' (UTC)."""
        return self.created_at[:16].replace("T", " ")

    def matches(self, text: str) -> bool:
        """Whether `text` (case-insensitive) is in its title, kind, id (7, #7 or R7), author,
        withdrawal reason or the names of its files."""
        needle = text.strip().lower()
        if not needle:
            return True
        number = needle.lstrip("#r")
        if number.isdigit() and int(number) == self.record_id:
            return True
        haystack = [self.title, self.kind, self.actor, self.withdrawal or "", *self.names]
        return any(needle in value.lower() for value in haystack)


def record_rows(case: Readable, lang: str = "en") -> list[RecordRow]:
    """One row per record of the case, oldest first, withdrawn ones included."""
    words = WORDS.get(lang, WORDS["en"])
    artifacts = {a.id: a for a in case.artifacts()}
    records = case.records()
    actors = authors(case)
    withdrawals: dict[int, str] = {}
    part_of: dict[int, tuple[int, str]] = {}  # generation -> (its study, the item's label)
    for record in records:
        for link in record.linked("amends"):
            body = record.body
            if link.record_id is not None and getattr(body, "field", None) == "withdrawn":
                withdrawals[link.record_id] = body.reason
        if kind_of(record) == "study":
            for link in record.linked("item"):
                if link.record_id is not None:
                    part_of.setdefault(link.record_id, (record.id, link.label))
    rows = []
    for record in records:
        ids = {
            group: tuple(k.artifact_id for k in record.linked(*roles) if k.artifact_id is not None)
            for group, roles in (("in", INPUT_ROLES), ("out", OUTPUT_ROLES), ("step", ("step",)))
        }
        names = tuple(
            dict.fromkeys(
                artifacts[i].original_name for i in ids["in"] + ids["out"] if i in artifacts
            )
        )
        rows.append(
            RecordRow(
                record_id=record.id,
                kind=kind_of(record),
                title=title(record, artifacts, words, part_of.get(record.id)),
                created_at=record.created_at,
                actor=actors.get(record.id, ""),
                withdrawn=record.withdrawn,
                withdrawal=withdrawals.get(record.id),
                inputs=ids["in"],
                outputs=ids["out"],
                steps=ids["step"],
                records=tuple(k.record_id for k in record.links if k.record_id is not None),
                part_of=part_of.get(record.id, (None, ""))[0],
                names=names,
            )
        )
    return rows


# The panel's default filter: a case's images each have a provenance record, which would crowd
# out the work done on them.
RESULTS = "results"


def filtered(
    rows: list[RecordRow], kind: str | None = None, text: str = "", withdrawn: bool = True
) -> list[RecordRow]:
    """The rows of one kind (None: every kind; RESULTS: every kind but the provenance records,
    which the Case panel shows with their image) that match `text`; withdrawn ones only when
    `withdrawn`."""
    return [
        row
        for row in rows
        if (kind is None or row.kind == kind or (kind == RESULTS and row.kind != "provenance"))
        and (withdrawn or not row.withdrawn)
        and row.matches(text)
    ]


def newest(rows: list[RecordRow], kind: str) -> RecordRow | None:
    """The newest record of `kind` that is not withdrawn."""
    return next((r for r in reversed(rows) if r.kind == kind and not r.withdrawn), None)


# The titles


def title(
    record: Record,
    artifacts: dict[int, Artifact],
    words: dict,
    part_of: tuple[int, str] | None = None,
) -> str:
    """A short line that says which record this is: for a comparison its pair
    ("#2 disputed_image.png ↔ #1 protected_work.png"), for a generation its seed, steps and
    prompt, for a study or a lab its title, for a finding its text."""
    body = record.body
    kind = kind_of(record)
    strings = Strings(words.get("lang", "en"))

    def said(text: str) -> str:  # what the software wrote, in the title's language
        return recorded(strings, text)

    if body is None:
        return words["unreadable"].format(problem=record.problem or "")

    def named(artifact_id: int | None) -> str:
        artifact = artifacts.get(artifact_id) if artifact_id is not None else None
        return f"#{artifact_id} {artifact.original_name}" if artifact else f"#{artifact_id}"

    def linked(label: str, *roles: str) -> int | None:
        return next(
            (k.artifact_id for k in record.linked(*roles) if k.label == label),
            next((k.artifact_id for k in record.linked(*roles)), None),
        )

    if kind == "comparison":
        return f"{named(linked('image_a', 'input'))} ↔ {named(linked('image_b', 'input'))}"
    if kind == "generation":
        params = body.params if isinstance(body.params, dict) else {}
        text = words["generation"].format(
            seed=params.get("seed", "?"), steps=params.get("steps", body.steps_run)
        )
        prompt = str(params.get("prompt") or "").strip()
        if part_of is not None:  # a study's item: its label says what varied
            study, label = part_of
            text = (said(label) or text) + words["separator"] + words["item"].format(study=study)
        return _short(f"{text} — {prompt}" if prompt else text)
    if kind in ("study", "lab", "report"):
        return _short(said(body.title) or kind)
    if kind == "reproduction":
        return _short(said(body.title) or f"{named(linked('disputed', 'input'))}")
    if kind == "exam":
        method = words["exam"].get(body.method, body.method)
        model = PurePath(str(body.model.get("path", ""))).name
        loras = [PurePath(str(x.get("path", ""))).name for x in body.loras if isinstance(x, dict)]
        return _short(" + ".join([f"{method}: {model}", *loras]))
    if kind == "corpus_search":
        index = body.index if isinstance(body.index, dict) else {}
        search = body.search if isinstance(body.search, dict) else {}
        return _short(
            words["corpus_search"].format(
                query=named(linked("query", "input")),
                index=str(index.get("name", "?")),
                works=index.get("entries", "?"),
                kind=search.get("kind", "?"),
            )
        )
    if kind == "finding":
        return _short(body.text)
    if kind == "provenance":
        about = linked("provenance", "about")
        generator = body.generator if body.generator not in (None, "", "none") else None
        return _short(f"{generator or words['no_generator']}: {named(about)}")
    if kind == "amendment":
        amended = next(iter(record.linked("amends")), None)
        target = None if amended is None else amended.record_id or amended.artifact_id
        if body.target == "record" and body.field == "withdrawn":
            text = words["withdraws"].format(id=target)
            return _short(f"{text}: {said(body.reason)}" if body.reason else text)
        if body.target == "artifact":
            return _short(words["corrects"].format(id=target, field=body.field, value=body.value))
        return _short(words["case_property"].format(field=body.field, value=body.value))
    return kind


def _short(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"
