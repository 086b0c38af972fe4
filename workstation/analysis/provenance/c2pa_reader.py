"""C2PA Content Credentials through c2pa-python, offline.

The reader gets its own Context with remote-manifest and OCSP fetching switched off. The global
`c2pa.load_settings()` is deprecated and does not stop the native core from fetching a remote
manifest; the per-instance context does, and the core then raises "must fetch remote manifests
from url …", which we report as evidence. The native core does not use Python's socket module,
so the test that proves no connection is made runs the CLI under strace.

Trust is judged against the C2PA Trust List bundled in resources/c2pa (see SOURCE.md there):
a signer that chains to one of its anchors is "trusted"; a valid signature by anyone else is
"untrusted" (which says nothing against the content: most test and in-house signers are).

Every manifest of the store is summarised, the active one first, then its ingredients' own
manifests in the order the ingredients name them. A manifest's results are those the core
reports for it: the store's for the active manifest, the ingredient's for an ingredient's.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from workstation.analysis.provenance.result import (
    C2paAction,
    C2paInfo,
    C2paIngredient,
    C2paManifest,
)
from workstation.analysis.provenance.values import as_text
from workstation.paths import RESOURCES_DIR

NO_NETWORK = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
TRUST_LIST = RESOURCES_DIR / "c2pa" / "C2PA-TRUST-LIST.pem"
_REMOTE_URL = re.compile(r"remote manifests? from url (\S+)")
# The hard binding's result codes (c2pa.hash.data, c2pa.hash.bmff, c2pa.hash.boxes)
_BINDINGS = ("assertion.dataHash", "assertion.bmffHash", "assertion.boxesHash")
_AI_SOURCE = re.compile(r"trainedAlgorithmicMedia$", re.IGNORECASE)  # also compositeWith…


def read_c2pa(path: Path, media_type: str | None, trust_list: Path = TRUST_LIST) -> C2paInfo | None:
    """The file's C2PA manifest store; None when it has none.

    `trust_list`: a PEM file of trust anchors (the bundled C2PA Trust List unless an examiner
    gives their own)."""
    try:
        import c2pa
    except ImportError:
        return C2paInfo(status="unavailable", error="c2pa-python is not installed")
    anchors = _anchors(trust_list)
    settings: dict[str, Any] = {"verify": {**NO_NETWORK["verify"], "verify_trust": anchors != ""}}
    if anchors:
        settings["trust"] = {"trust_anchors": anchors}
    try:
        context = c2pa.Context.from_dict(settings)
        with open(path, "rb") as stream, c2pa.Reader(media_type, stream, context=context) as reader:
            store = reader.json()
    except (c2pa.C2paError.ManifestNotFound, c2pa.C2paError.NotSupported):
        return None
    except c2pa.C2paError as error:
        message = str(error)
        if url := _REMOTE_URL.search(message):
            return C2paInfo(status="remote", remote_url=url.group(1), error=message)
        return C2paInfo(status="error", error=message)
    return _summarise(store, _describe(trust_list, anchors) if anchors else None)


@lru_cache(maxsize=4)
def _anchors(trust_list: Path) -> str:
    """The PEM text, or "" when the file is missing (trust is then not judged)."""
    try:
        return trust_list.read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""


def _describe(trust_list: Path, anchors: str) -> str:
    count = anchors.count("-----BEGIN CERTIFICATE-----")
    if trust_list == TRUST_LIST:
        return f"C2PA Trust List as bundled ({count} anchors; resources/c2pa/SOURCE.md)"
    return f"{trust_list} ({count} anchors)"


def _summarise(store_json: str, trust_anchors: str | None) -> C2paInfo:
    # The store's content comes from the file: check every shape before using it.
    store = _dict(json.loads(store_json))
    stored = {str(k): _dict(v) for k, v in _dict(store.get("manifests")).items()}
    active_label = str(store.get("active_manifest"))
    active = stored.get(active_label, {})
    results = _dict(store.get("validation_results"))
    manifests = _manifests(stored, active_label, _dict(results.get("activeManifest")), results)
    signature = _dict(active.get("signature_info"))
    assertions = [_dict(a) for a in _list(active.get("assertions"))]
    sources = []
    for action in _actions(active):
        if action.digital_source_type and action.digital_source_type not in sources:
            sources.append(action.digital_source_type)
    state = _text(store.get("validation_state"))
    codes = _codes(_dict(results.get("activeManifest")))
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
        validation_state=state,
        validation_status=_pairs(store.get("validation_status")),
        manifest_store=store_json,
        manifests=manifests,
        generated_by=_generated_by(manifests),
        trust=_trust(codes) if trust_anchors else None,
        trust_anchors=trust_anchors,
        hard_binding=_hard_binding(codes),
    )


def _manifests(
    stored: dict[str, dict], active_label: str, active_results: dict, results: dict
) -> tuple[C2paManifest, ...]:
    """Every manifest, the active one first, then ingredients' manifests breadth first."""
    found: dict[str, C2paManifest] = {}
    queue = [(active_label, active_results, ())] if active_label in stored else []
    deltas = [_dict(d) for d in _list(results.get("ingredientDeltas"))]
    while queue:
        label, own_results, delta_codes = queue.pop(0)
        if label in found:
            continue
        manifest = stored[label]
        ingredients = []
        for ingredient in (_dict(i) for i in _list(manifest.get("ingredients"))):
            ingredient_results = _dict(
                _dict(ingredient.get("validation_results")).get("activeManifest")
            )
            uri_end = f"/{label}/c2pa.assertions/{ingredient.get('label')}"
            changes = [
                code
                for delta in deltas
                if str(delta.get("ingredientAssertionURI", "")).endswith(uri_end)
                for code in _pairs(_dict(delta.get("validationDeltas")).get("failure"))
            ]
            codes = _codes(ingredient_results)
            target = _text(ingredient.get("active_manifest"))
            ingredients.append(
                C2paIngredient(
                    title=_text(ingredient.get("title")),
                    relationship=_text(ingredient.get("relationship")),
                    format=_text(ingredient.get("format")),
                    manifest=target,
                    validation_state=_text(ingredient.get("validation_state"))
                    or (_state(codes) if ingredient_results else None),
                    validation_status=tuple(codes["failure"] + changes),
                )
            )
            if target in stored:
                queue.append((target, ingredient_results, tuple(changes)))
        codes = _codes(own_results)
        signature = _dict(manifest.get("signature_info"))
        found[label] = C2paManifest(
            label=label,
            claim_generator=_claim_generator(manifest),
            title=_text(manifest.get("title")),
            format=_text(manifest.get("format")),
            signer=_text(signature.get("common_name")),
            issuer=_text(signature.get("issuer")),
            signed_at=_text(signature.get("time")),
            algorithm=_text(signature.get("alg")),
            actions=tuple(_actions(manifest)),
            ingredients=tuple(ingredients),
            validation_status=tuple(
                codes["failure"]
                + list(delta_codes)
                + codes["informational"]
                + [pair for pair in codes["success"] if pair[0].startswith(_BINDINGS)]
            ),
            active=label == active_label,
        )
    # manifests no ingredient names (an unusual store), after the others
    for label, manifest in stored.items():
        if label not in found:
            found[label] = C2paManifest(
                label=label,
                claim_generator=_claim_generator(manifest),
                title=_text(manifest.get("title")),
                actions=tuple(_actions(manifest)),
            )
    return tuple(found.values())


def _actions(manifest: dict) -> list[C2paAction]:
    found = []
    for assertion in (_dict(a) for a in _list(manifest.get("assertions"))):
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (_dict(a) for a in _list(_dict(assertion.get("data")).get("actions"))):
            found.append(
                C2paAction(
                    action=as_text(action.get("action", "")),
                    digital_source_type=_text(action.get("digitalSourceType")),
                    software_agent=_agent(action.get("softwareAgent")),
                    when=_text(action.get("when")),
                    description=_text(action.get("description")),
                )
            )
    return found


def _agent(value: Any) -> str | None:
    """softwareAgent: a string (claim v1) or a generator-info map {name, version} (v2)."""
    if isinstance(value, dict):
        return " ".join(as_text(value[k]) for k in ("name", "version") if value.get(k)) or None
    return _text(value)


def _generated_by(manifests: tuple[C2paManifest, ...]) -> str | None:
    """The tool named by the first c2pa.created action with an AI digital source type, searched
    from the active manifest through its ingredients; failing that, the first action of any kind
    with one (a generative fill inside an edit). The action's softwareAgent, else the claim's
    generator."""
    for wanted in ("c2pa.created", None):
        for manifest in manifests:
            for action in manifest.actions:
                if wanted not in (None, action.action):
                    continue
                if action.digital_source_type and _AI_SOURCE.search(action.digital_source_type):
                    return action.software_agent or manifest.claim_generator
    return None


def _codes(results: dict) -> dict[str, list[tuple[str, str]]]:
    return {
        kind: list(_pairs(results.get(kind))) for kind in ("success", "informational", "failure")
    }


def _pairs(entries: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (as_text(_dict(s).get("code")), as_text(_dict(s).get("explanation", "")))
        for s in _list(entries)
    )


def _state(codes: dict[str, list[tuple[str, str]]]) -> str:
    """The core's validation state from one manifest's codes."""
    failures = [code for code, _ in codes["failure"] if code != "signingCredential.untrusted"]
    if failures:
        return "Invalid"
    trusted = any(code == "signingCredential.trusted" for code, _ in codes["success"])
    return "Trusted" if trusted else "Valid"


def _trust(codes: dict[str, list[tuple[str, str]]]) -> str | None:
    """The signer against the trust anchors: "invalid" when the signature or its credential
    fails (other than by being untrusted); the hard binding is reported on its own."""
    failures = [code for code, _ in codes["failure"]]
    if any(
        code.startswith(("claimSignature.", "signingCredential."))
        and code != "signingCredential.untrusted"
        for code in failures
    ):
        return "invalid"
    if any(code == "signingCredential.trusted" for code, _ in codes["success"]):
        return "trusted"
    return "untrusted" if "signingCredential.untrusted" in failures else None


def _hard_binding(codes: dict[str, list[tuple[str, str]]]) -> str | None:
    if any(
        code.startswith(_BINDINGS) and code.endswith(".mismatch") for code, _ in codes["failure"]
    ):
        return "mismatch"
    if any(code.startswith(_BINDINGS) and code.endswith(".match") for code, _ in codes["success"]):
        return "matches"
    return None


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
