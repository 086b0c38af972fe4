"""C2PA Content Credentials through c2pa-python, offline.

The reader gets its own Context with remote-manifest and OCSP fetching switched off. The global
`c2pa.load_settings()` is deprecated and does not stop the native core from fetching a remote
manifest; the per-instance context does, and the core then raises "must fetch remote manifests
from url …", which we report as evidence. The native core does not use Python's socket module,
so the test that proves no connection is made runs the CLI under strace.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from workstation.analysis.provenance.result import C2paInfo
from workstation.analysis.provenance.values import as_text

NO_NETWORK = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
_REMOTE_URL = re.compile(r"remote manifests? from url (\S+)")


def read_c2pa(path: Path, media_type: str | None) -> C2paInfo | None:
    """The file's C2PA manifest store; None when it has none."""
    try:
        import c2pa
    except ImportError:
        return C2paInfo(status="unavailable", error="c2pa-python is not installed")
    try:
        context = c2pa.Context.from_dict(NO_NETWORK)
        with open(path, "rb") as stream, c2pa.Reader(media_type, stream, context=context) as reader:
            store = reader.json()
    except (c2pa.C2paError.ManifestNotFound, c2pa.C2paError.NotSupported):
        return None
    except c2pa.C2paError as error:
        message = str(error)
        if url := _REMOTE_URL.search(message):
            return C2paInfo(status="remote", remote_url=url.group(1), error=message)
        return C2paInfo(status="error", error=message)
    return _summarise(store)


def _summarise(store_json: str) -> C2paInfo:
    # The store's content comes from the file: check every shape before using it.
    store = _dict(json.loads(store_json))
    active = _dict(_dict(store.get("manifests")).get(str(store.get("active_manifest"))))
    signature = _dict(active.get("signature_info"))
    assertions = [_dict(a) for a in _list(active.get("assertions"))]
    sources = []
    for assertion in assertions:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            for action in _list(_dict(assertion.get("data")).get("actions")):
                kind = _dict(action).get("digitalSourceType")
                if kind and as_text(kind) not in sources:
                    sources.append(as_text(kind))
    return C2paInfo(
        status="embedded",
        claim_generator=_claim_generator(active),
        title=_text(active.get("title")),
        assertions=tuple((as_text(a.get("label")), as_text(a.get("data"))) for a in assertions),
        digital_source_types=tuple(sources),
        signer=_text(signature.get("common_name")),
        issuer=_text(signature.get("issuer")),
        signed_at=_text(signature.get("time")),
        algorithm=_text(signature.get("alg")),
        validation_state=_text(store.get("validation_state")),
        validation_status=tuple(
            (as_text(_dict(s).get("code")), as_text(_dict(s).get("explanation", "")))
            for s in _list(store.get("validation_status"))
        ),
        manifest_store=store_json,
    )


def _claim_generator(manifest: dict[str, Any]) -> str | None:
    if manifest.get("claim_generator"):  # claim v1
        return as_text(manifest["claim_generator"])
    infos = [_dict(i) for i in _list(manifest.get("claim_generator_info"))]  # claim v2
    names = [" ".join(as_text(i[k]) for k in ("name", "version") if i.get(k)) for i in infos]
    return "; ".join(n for n in names if n) or None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return None if value is None else as_text(value)
