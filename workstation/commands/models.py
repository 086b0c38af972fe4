"""`workstation models scan DIR` and `workstation lora-info FILE`: what the model files are
(app/models.py)."""

from __future__ import annotations

import argparse

from workstation.app.models import LoraInfoRequest, ScanRequest, lora_report, scan_models
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.terminal import json_text, printable

CACHE_NOTE = (
    "Hashes come from a per-user cache (checked against size, mtime, ctime and inode) to keep "
    "listings fast: they are for finding files and are never written into a case; generating "
    "hashes the model and LoRA files again as it loads them."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    models = subparsers.add_parser("models", help="list and identify model files")
    actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    scan_parser = actions.add_parser(
        "scan",
        help="list every model under a folder with its kind and hashes",
        description="List every model under a folder with its kind and hashes. " + CACHE_NOTE,
    )
    add_arguments(scan_parser, ScanRequest)
    scan_parser.add_argument("--json", action="store_true", help="full records as JSON")
    scan_parser.set_defaults(func=cmd_scan)

    info = subparsers.add_parser(
        "lora-info", help="print a LoRA's training metadata, target modules and ranks"
    )
    add_arguments(info, LoraInfoRequest)
    info.add_argument("--json", action="store_true")
    info.add_argument("--tags", type=int, default=25, help="how many top tags to print")
    info.set_defaults(func=cmd_lora_info)


def cmd_scan(args: argparse.Namespace) -> int:
    models = scan_models(from_arguments(ScanRequest, args))
    if args.json:
        print(json_text([m.to_dict() for m in models]))
        return 0
    print(f"{'KIND':<8} {'ARCH':<8} {'SIZE':>9}  {'AUTOV2':<10}  {'LORA HASH':<12}  PATH")
    for m in models:
        addnet = m.addnet[:12] if m.addnet else "-"
        path = printable(m.path) + (f"  (link {printable(m.link)})" if m.link else "")
        print(
            f"{m.kind:<8} {m.architecture or '-':<8} {_size(m.size):>9}  {m.autov2 or '-':<10}  "
            f"{addnet:<12}  {path}"
        )
        print(
            f"{'':<8} {printable(m.detail)}" + (f"  ! {printable(m.problem)}" if m.problem else "")
        )
    problems = sum(1 for m in models if m.problem)
    print(f"{len(models)} model(s)" + (f", {problems} unusable" if problems else ""))
    print("hashes: from the listing cache, for finding files; never written into a case")
    return 0


def cmd_lora_info(args: argparse.Namespace) -> int:
    report = lora_report(from_arguments(LoraInfoRequest, args))
    if args.json:
        print(json_text(report.to_dict()))
        return 0
    print(printable(report.path))
    print(f"  {printable(report.detail)}, {_size(report.size)}")
    print(f"  SHA-256       {report.sha256}")
    print(f"  AutoV2        {report.autov2}")
    if report.addnet:
        print(f"  LoRA hash     {report.addnet[:12]}  (tensor data, as A1111 'Lora hashes')")
    print(f"  algorithm     {report.algorithm}")
    if report.stored_hash:
        verdict = {
            True: "matches",
            False: "DOES NOT MATCH the file",
            None: "not recomputed: its tensor order is not in the file; no evidence either way",
        }[report.stored_hash_matches]
        label = (
            "sshs_model_hash" if report.stored_hash_kind == "kohya" else "LyCORIS sshs_model_hash"
        )
        print(f"  header hash   {printable(report.stored_hash[:12])}  ({label}: {verdict})")
    if report.training:
        print("training (kohya metadata):")
        for label, value in report.training.items():
            print(f"  {label:<32} {printable(value)}")
    else:
        print("training: no kohya ss_* metadata in the header")
    if report.dataset_dirs:
        print("dataset folders:")
        for folder, entry in report.dataset_dirs.items():
            detail = f"{entry.get('img_count', '?')} images × {entry.get('n_repeats', '?')}"
            print(f"  {printable(folder):<32} {detail}")
    if report.tag_frequency:
        shown = list(report.tag_frequency.items())[: args.tags]
        print(f"top tags ({len(shown)} of {len(report.tag_frequency)}):")
        for tag, count in shown:
            print(f"  {count:>6}  {printable(tag)}")
    for key, reason in report.unreadable.items():
        print(f"{key}: {printable(reason)}")
    print("target modules:")
    groups: dict[tuple[str, str], list] = {}
    for module in report.modules:
        groups.setdefault((module.component, module.target), []).append(module)
    for (component, target), modules in sorted(groups.items()):
        ranks = sorted({m.rank for m in modules if m.rank is not None})
        alphas = sorted({m.alpha for m in modules if m.alpha is not None})
        rank_text = "/".join(map(str, ranks)) or "?"
        alpha_text = f", alpha {'/'.join(f'{a:g}' for a in alphas)}" if alphas else ""
        kinds = "/".join(sorted({m.algorithm or "?" for m in modules}))
        count = f"×{len(modules)}"
        print(
            f"  {component:<15} {printable(target):<24} {count:<5} {kinds} "
            f"rank {rank_text}{alpha_text}"
        )
    other = {k: v for k, v in report.metadata.items() if not k.startswith(("ss_", "sshs_"))}
    if other:
        print("other metadata:")
        for key, value in other.items():
            text = value if len(value) <= 100 else value[:97] + "..."
            print(f"  {printable(key):<32} {printable(text)}")
    return 0


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"
