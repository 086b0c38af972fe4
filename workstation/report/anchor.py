"""The anchor a report carries: its case, its report ID, and the chain head it was made from.

The report prints its chain head; the anchor makes it machine-readable, so that
`workstation case verify CASE --against REPORT.pdf` and `workstation report-verify` can prove
that a case today still holds the chain a report was made from (a case rewritten as a whole,
chain and all, verifies by itself, but no longer holds a head published before).

It is written twice into the PDF: as custom keys of the document information
(`pdfinfo -custom REPORT.pdf`, or a viewer's document properties) and as an attached file
`workstation-anchor.json` (`pdfdetach -list`). Both are appended to the file reportlab wrote as
an incremental update; report/archival.py then rewrites the file as PDF/A-3b, keeping both (the
attachment becomes an associated file, the keys are also in the XMP). Reading accepts either
one; when both are there they must agree. The same update attaches the report's other
files (`Attachment`: `workstation-records.json`, the machine record of the records it shows,
report/records.py), each listed with its SHA-256 in the appendix.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.core import records
from workstation.core.errors import InputError
from workstation.core.records import Link

if TYPE_CHECKING:
    from workstation.core.case import Case, Record

ANCHOR_FILE = "workstation-anchor.json"
SCHEMA = "workstation.report-anchor/1"
INFO_KEYS = {
    "case_id": "/WorkstationCaseId",
    "report_id": "/WorkstationReportId",
    "chain_head": "/WorkstationChainHead",
}
HEAD = re.compile(r"#?(\d+):([0-9a-fA-F]{64})")


@dataclass(frozen=True)
class Anchor:
    case_id: str
    report_id: str
    chain_head: tuple[int, str]  # (seq, hash) of the newest audit entry the report covers
    created: str = ""
    software: dict[str, Any] = field(default_factory=dict)

    @property
    def head_text(self) -> str:
        return f"{self.chain_head[0]}:{self.chain_head[1]}"

    def to_json(self) -> bytes:
        data = {
            "schema": SCHEMA,
            "case_id": self.case_id,
            "report_id": self.report_id,
            "chain_head": {"seq": self.chain_head[0], "hash": self.chain_head[1]},
            "created": self.created,
            "software": self.software,
        }
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    def info(self) -> dict[str, str]:
        """The custom document-information keys."""
        values = {
            "case_id": self.case_id,
            "report_id": self.report_id,
            "chain_head": self.head_text,
        }
        return {INFO_KEYS[name]: value for name, value in values.items()}


# 1. Writing


@dataclass(frozen=True)
class Attachment:
    """A file the report carries inside the PDF (an embedded file), listed in its appendix with
    the SHA-256 printed there: e.g. the machine record every table was drawn from."""

    name: str
    data: bytes
    description: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def anchor_attachment(anchor: Anchor) -> Attachment:
    return Attachment(
        ANCHOR_FILE,
        anchor.to_json(),
        "case ID, report ID and audit chain head this report was made from",
    )


def embed_anchor(pdf: Path, anchor: Anchor, files: tuple[Attachment, ...] = ()) -> None:
    """Append the anchor to `pdf` (document information keys and the attached JSON file), and
    the other `files` beside it, in one incremental update."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(PdfReader(io.BytesIO(pdf.read_bytes())), incremental=True)
    # pypdf ends the update with a cross-reference stream, a PDF 1.5 feature; reportlab's header
    # says 1.4, and the catalog's /Version is how an update raises it.
    writer.root_object[NameObject("/Version")] = NameObject("/1.5")
    writer.add_metadata(anchor.info())
    for file in (anchor_attachment(anchor), *files):
        attached = writer.add_attachment(file.name, file.data)
        attached.description = TextStringObject(file.description)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf.write_bytes(buffer.getvalue())


# 2. Reading


def read_anchor(pdf: Path) -> Anchor:
    """The anchor a report file carries; InputError when the file is missing, is not a PDF,
    carries no anchor, or carries two that disagree."""
    reader = _open_pdf(Path(pdf))
    attached = _attached_anchor(reader, pdf)
    info = _info_anchor(reader, pdf)
    if attached is None and info is None:
        raise InputError(
            f"{pdf}: the PDF carries no workstation anchor (not a report of this workstation, "
            "or one made before reports carried their chain head)"
        )
    if attached is not None and info is not None and _key(attached) != _key(info):
        raise InputError(
            f"{pdf}: its two anchors disagree (document information: {_describe(info)}; "
            f"{ANCHOR_FILE}: {_describe(attached)}); the file was altered"
        )
    return attached or info  # type: ignore[return-value]


def expected_head(case_id: str, pdf: Path) -> tuple[int, str]:
    """The chain head a report of this case was made from, for `case verify --against`;
    InputError for a report of another case."""
    anchor = read_anchor(pdf)
    if anchor.case_id != case_id:
        raise InputError(
            f"{Path(pdf).name} is a report of case {anchor.case_id}, not of this case ({case_id})"
        )
    return anchor.chain_head


def _open_pdf(pdf: Path) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if pdf.exists() and not pdf.is_file() and not pdf.is_dir():
        raise InputError(f"{pdf}: not a regular file (a device or pipe is never read)")
    try:
        with open(pdf, "rb") as stream:
            head = stream.read(1024)
    except FileNotFoundError:
        raise InputError(f"{pdf}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{pdf}: is a folder, not a report file") from None
    except OSError as error:
        raise InputError(f"{pdf}: cannot be read ({error.strerror})") from None
    if b"%PDF-" not in head:
        raise InputError(f"{pdf}: not a PDF file")
    try:
        reader = PdfReader(pdf)
        reader.trailer  # noqa: B018 - parses the cross-reference table now, not later
    except (PyPdfError, ValueError, KeyError, OSError) as error:
        raise InputError(f"{pdf}: not a readable PDF ({error})") from None
    return reader


def _attached_anchor(reader: Any, pdf: Path) -> Anchor | None:
    from pypdf.errors import PyPdfError

    try:
        contents = reader.attachments.get(ANCHOR_FILE)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"{pdf}: its attached files cannot be read ({error})") from None
    if not contents:
        return None
    if len(set(contents)) > 1:
        raise InputError(f"{pdf}: it carries {len(contents)} different {ANCHOR_FILE} files")
    try:
        data = json.loads(contents[0].decode("utf-8"))
        if data.get("schema") != SCHEMA:
            raise ValueError(f"unknown schema {data.get('schema')!r}")
        head = data["chain_head"]
        return Anchor(
            case_id=_text(data["case_id"]),
            report_id=_text(data["report_id"]),
            chain_head=_head(f"{head['seq']}:{head['hash']}"),
            created=str(data.get("created", "")),
            software=data.get("software") if isinstance(data.get("software"), dict) else {},
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(f"{pdf}: its {ANCHOR_FILE} is not a valid anchor ({error})") from None


def _info_anchor(reader: Any, pdf: Path) -> Anchor | None:
    info = reader.metadata or {}
    values = {name: info.get(key) for name, key in INFO_KEYS.items()}
    if not any(values.values()):
        return None
    try:
        return Anchor(
            case_id=_text(values["case_id"]),
            report_id=_text(values["report_id"]),
            chain_head=_head(values["chain_head"]),
        )
    except (ValueError, TypeError) as error:
        raise InputError(f"{pdf}: its document information anchor is not valid ({error})") from None


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not an ID")
    return str(value)


def _head(value: Any) -> tuple[int, str]:
    match = HEAD.fullmatch(str(value).strip()) if value is not None else None
    if not match:
        raise ValueError(f"{value!r} is not a chain head (SEQ:HASH)")
    return int(match[1]), match[2].lower()


def _key(anchor: Anchor) -> tuple:
    """What both anchors hold (the document information has no time or software)."""
    return anchor.case_id, anchor.report_id, anchor.chain_head


def _describe(anchor: Anchor) -> str:
    return f"case {anchor.case_id}, report {anchor.report_id}, head {anchor.head_text}"


# 3. Checking a report file, on its own and against its case


@dataclass
class ReportCheck:
    """What `workstation report-verify` found: each check that held, and each that did not."""

    path: Path
    anchor: Anchor
    sha256: str
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "anchor": json.loads(self.anchor.to_json()),
            "passed": self.passed,
            "problems": self.problems,
            "notes": self.notes,
            "ok": self.ok,
        }


def check_report_file(pdf: Path) -> ReportCheck:
    """The report's anchor, and its bytes against its `.sha256` sidecar when there is one."""
    from workstation.core.canonical import sha256_file

    pdf = Path(pdf)
    check = ReportCheck(pdf, read_anchor(pdf), sha256_file(pdf))
    sidecar = pdf.with_name(pdf.name + ".sha256")
    recorded = _sidecar_sha256(sidecar)
    if recorded is None:
        check.notes.append(f"no {sidecar.name} beside it: the file alone has nothing to match")
    elif recorded != check.sha256:
        check.problems.append(
            f"the file hashes to {check.sha256}, but {sidecar.name} records {recorded}: "
            "the file was changed after it was exported"
        )
    else:
        check.passed.append(f"its SHA-256 matches {sidecar.name}")
    return check


def check_against_case(check: ReportCheck, case: Case) -> None:
    """Add to `check`: the case is the report's, holds its record with the same SHA-256 and an
    intact stored copy, verifies, and still holds the chain head the report was made from."""
    anchor = check.anchor
    if anchor.case_id != case.info.case_id:
        check.problems.append(
            f"it is a report of case {anchor.case_id}, not of the case in {case.root} "
            f"({case.info.case_id})"
        )
        return
    record = _report_record(case, anchor.report_id)
    if record is None:
        check.problems.append(
            f"the case holds no record of report {anchor.report_id} (a report made from a "
            "read-only copy of the case is not stored in it)"
        )
    else:
        _check_record(check, case, record)
    verification = case.verify(expect_head=anchor.chain_head)
    check.problems.extend(f"case: {problem}" for problem in verification.problems)
    if verification.ok:
        check.passed.append(
            f"the case verifies ({verification.objects_checked} object(s), "
            f"{verification.entries_checked} audit entries) and still holds chain head "
            f"{anchor.head_text}"
        )


def _report_record(case: Case, report_id: str) -> Record | None:
    for record in case.records("report"):
        body = record.body
        if isinstance(body, records.Report) and body.report_id == report_id:
            return record
    return None


def _check_record(check: ReportCheck, case: Case, record: Record) -> None:
    body = record.body
    assert isinstance(body, records.Report)
    name = f"report record #{record.id}"
    if record.withdrawn:
        check.notes.append(f"{name} was withdrawn by an amendment")
    if body.sha256 != check.sha256:
        check.problems.append(
            f"{name} holds SHA-256 {body.sha256}, but this file hashes to {check.sha256}: it "
            "is not the report the case stored (changed, or saved again by another program)"
        )
    else:
        check.passed.append(f"the case holds {name} with this SHA-256")
    logged = (body.chain_head.get("seq"), body.chain_head.get("hash"))
    if logged != check.anchor.chain_head:
        check.problems.append(
            f"{name} was made from chain head {logged[0]}:{logged[1]}, but the file's anchor "
            f"says {check.anchor.head_text}"
        )
    documents = record.linked("document")
    if not documents:
        check.notes.append(f"{name} has no stored PDF (written before reports were stored)")
    for link in documents:
        _check_stored_copy(check, case, name, link, body.sha256)


def _check_stored_copy(check: ReportCheck, case: Case, name: str, link: Link, sha256: str) -> None:
    from workstation.core.canonical import sha256_file

    artifact = next((a for a in case.artifacts() if a.id == link.artifact_id), None)
    if artifact is None or artifact.sha256 != sha256:
        check.problems.append(f"{name}: its stored PDF is not the artifact it names")
        return
    path = case.object_path(sha256)
    actual = sha256_file(path) if path.is_file() else None
    if actual != sha256:
        state = "is missing" if actual is None else f"hashes to {actual}"
        check.problems.append(f"{name}: its stored PDF (artifact #{artifact.id}) {state}")
    else:
        check.passed.append(f"its stored copy (artifact #{artifact.id}) is intact")


def _sidecar_sha256(sidecar: Path) -> str | None:
    """The SHA-256 a `sha256sum`-style file records, or None when there is no such file."""
    if sidecar.exists() and not sidecar.is_file():
        raise InputError(f"{sidecar}: not a regular file")
    try:
        with open(sidecar, "rb") as stream:
            text = stream.read(4096).decode("utf-8", errors="replace")  # a hash and a name
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(f"{sidecar}: cannot be read ({error.strerror})") from None
    word = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    if not re.fullmatch(r"[0-9a-f]{64}", word):
        raise InputError(f"{sidecar}: does not start with a SHA-256")
    return word
