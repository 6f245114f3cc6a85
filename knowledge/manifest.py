"""The knowledge manifest: every data file's SHA-256 and the ids that must exist.

The loader refuses knowledge whose files do not match MANIFEST.json (a truncated, emptied or damaged
file), or that lacks an id the manifest requires (every emergency and urgent red-flag rule, every
emergency workup pathway, every do-not rule, every spec finding, cause and workup step). After a
reviewed change to the data, `make knowledge-manifest` writes it
anew; a test checks that the committed manifest is current, so the two cannot drift apart silently.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.errors import KnowledgeFileError

if TYPE_CHECKING:
    from knowledge.loader import Knowledge

MANIFEST = "MANIFEST.json"
FILES = ("VERSION", "sources.yaml", "findings.yaml", "causes.yaml", "likelihoods.yaml", "model.yaml", "definitions.yaml",
         "red_flags.yaml", "workup.yaml")
"""The files the manifest covers (the generated schemas/ are not knowledge)."""


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def required_ids(k: Knowledge) -> dict[str, list[str]]:
    """The ids whose loss would silently weaken safety or break the shared vocabulary."""
    return {
        "red_flags": sorted(c.rule.id for c in k.red_flags if c.rule.level in ("emergency", "urgent")),
        "workup_rules": sorted(c.rule.id for c in k.workup_rules if c.rule.emergency or (c.rule.avoid and not c.rule.steps)),
        "findings": sorted(fid for fid, f in k.findings.items() if f.origin == "spec"),
        "causes": sorted(k.causes),
        "cant_miss_alarms": sorted(cid for cid, c in k.causes.items() if c.alarm is not None),
        "steps": sorted(k.step_labels),
    }


def build(data_dir: Path, k: Knowledge) -> dict[str, Any]:
    return {
        "about": "Written by `make knowledge-manifest` after a reviewed change; the loader checks it. Do not edit by hand.",
        "version": k.version,
        "files": {name: file_hash(data_dir / name) for name in FILES},
        "required_ids": required_ids(k),
    }


def check(data_dir: Path, k: Knowledge) -> None:
    """Refuse knowledge that does not match its manifest: a file changed or damaged, or an id missing."""
    path = data_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise KnowledgeFileError(MANIFEST, "(file)", "", f"cannot be read ({err.strerror or err}): the knowledge is not whole") from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise KnowledgeFileError(MANIFEST, "(file)", "", f"is not valid JSON: {err}") from err
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or set(files) != set(FILES):
        raise KnowledgeFileError(MANIFEST, "files", "", f"must list exactly {list(FILES)}")
    for name in FILES:
        if file_hash(data_dir / name) != files[name]:
            raise KnowledgeFileError(name, "(file)", "", f"does not match {MANIFEST} (it changed, or is truncated or damaged); "
                                     "after a reviewed change run `make knowledge-manifest`")
    wanted = manifest.get("required_ids")
    if not isinstance(wanted, dict):
        raise KnowledgeFileError(MANIFEST, "required_ids", "", "is missing")
    have = required_ids(k)
    for kind, ids in wanted.items():
        missing = sorted(set(ids) - set(have.get(kind, [])))
        if missing:
            raise KnowledgeFileError(MANIFEST, kind, "required_ids", f"the knowledge lacks required ids: {missing}")


def write(data_dir: Path) -> Path:
    """Load the data without the manifest check, then write the manifest for it."""
    from knowledge.loader import build_unchecked

    k = build_unchecked(data_dir)
    path = data_dir / MANIFEST
    path.write_text(json.dumps(build(data_dir, k), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
