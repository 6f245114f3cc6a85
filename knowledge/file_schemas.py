"""JSON schemas of the knowledge data files, generated from the models in `schema.py`.

`python -m knowledge.file_schemas` (or `make knowledge-schemas`) writes one schema per data file to
knowledge/data/schemas/; a test checks that the committed ones are current. A clinician's editor can
use them to complete and check YAML (for example with the YAML language server:
`# yaml-language-server: $schema=schemas/red_flags.schema.json` at the top of a file). Conditions
(`when`) are free-form here: the loader's compiler checks them and names the path inside.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from knowledge.schema import AgeBand, Cause, CauseState, CorrelatedGroup, Finding, Likelihood, RedFlagRule, Source, WorkupRule

SCHEMA_DIR = Path(__file__).parent / "data" / "schemas"
_STRICT = ConfigDict(extra="forbid")


class _Step(BaseModel):
    model_config = _STRICT
    label: str
    phase: int


class _AgeHours(BaseModel):
    model_config = _STRICT
    under_25: float = Field(ge=0, description="Hours under 25, and with no age entered.")
    otherwise: float = Field(ge=0, description="Hours from 25.")


def _file_models() -> dict[str, type[BaseModel]]:
    """One model per data file: its top-level keys and what they hold."""
    return {
        "sources": create_model("SourcesFile", __config__=_STRICT, sources=(list[Source], ...)),
        "findings": create_model("FindingsFile", __config__=_STRICT, vocabulary_version=(int, ...),
                                 findings=(dict[str, Finding], ...)),
        "causes": create_model("CausesFile", __config__=_STRICT, age_bands=(list[AgeBand], ...),
                               causes=(dict[str, Cause], ...)),
        "likelihoods": create_model("LikelihoodsFile", __config__=_STRICT,
                                    background=(dict[str, Likelihood], Field(description="finding id -> entry")),
                                    causes=(dict[str, dict[str, Likelihood]], Field(description="cause id -> finding id -> entry"))),
        "model": create_model("ModelFile", __config__=_STRICT,
                              states=(dict[str, dict[str, CauseState]], Field(description="cause id -> state id -> entry")),
                              correlated_groups=(dict[str, CorrelatedGroup], Field(description="group id -> entry"))),
        "definitions": create_model("DefinitionsFile", __config__=_STRICT,
                                    definitions=(dict[str, Any], Field(description="name -> condition"))),
        "red_flags": create_model("RedFlagsFile", __config__=_STRICT, rules=(list[RedFlagRule], ...)),
        "workup": create_model("WorkupFile", __config__=_STRICT, steps=(dict[str, _Step], ...),
                               referral_targets=(dict[str, str], ...), timings=(dict[str, str], ...),
                               within_hours=(dict[str, float | _AgeHours | None],
                                             Field(description="`within` phrase -> hours it allows (null: no time to compare)")),
                               waits_on=(dict[str, list[str]],
                                         Field(description="a conditional step's `within` phrase -> the steps whose result it waits on")),
                               rules=(list[WorkupRule], ...)),
    }


def schemas() -> dict[str, str]:
    """File name -> the schema's JSON text (stable: sorted keys, two-space indent, final newline)."""
    out = {}
    for name, model in _file_models().items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{name}.yaml (Lower Back Lump Navigator knowledge)"
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write():
        sys.stdout.write(f"wrote {p}\n")
