"""The knowledge module's exceptions: one small hierarchy with structured fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class KnowledgeError(Exception):
    """Base of every error this package raises on purpose."""


class KnowledgeFileError(KnowledgeError, ValueError):
    """A knowledge data file is broken: names the file, the entry, the field and what is wrong."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.problem = problem
        super().__init__(file, entry, field, problem)

    def __str__(self) -> str:
        where = f"{self.file}: entry '{self.entry}'"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.problem}"

    def __reduce__(self):  # keep the structured fields through pickling
        return (type(self), (self.file, self.entry, self.field, self.problem))


@dataclass(frozen=True)
class CaseProblem:
    """One thing wrong with one finding of a case (or with the case as a whole)."""

    finding: str
    problem: str

    def __str__(self) -> str:
        return f"{self.finding}: {self.problem}" if self.finding else self.problem


class CaseError(KnowledgeError, ValueError):
    """A case breaks the vocabulary. `problems` lists every offending finding at once."""

    def __init__(self, problems: list[CaseProblem], where: str = "") -> None:
        self.problems = list(problems)
        self.where = where
        super().__init__(self.problems)

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        n = len(self.problems)
        lines = [f"{head}{n} problem{'s' if n != 1 else ''} in the case:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def __reduce__(self):
        return (type(self), (self.problems, self.where))


def validation_error(err: Any, model: Any, file: str, entry: str) -> KnowledgeFileError:
    """A pydantic ValidationError of one entry as a KnowledgeFileError naming the file, the entry, the
    first failing field and what is wrong (with the allowed fields when a field is unknown). The one
    formatter of the knowledge loader and the teaching case library."""
    errors = err.errors()
    first = errors[0]
    loc = tuple(str(p) for p in first["loc"])
    field = ".".join(loc) or "(entry)"
    problem = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        problem = f"unknown field (allowed: {', '.join(allowed)})" if allowed else "unknown field"
    elif first["type"] == "missing":
        problem = "required field is missing"
    if len(errors) > 1:
        problem += f" (and {len(errors) - 1} more problem(s) in this entry)"
    return KnowledgeFileError(file, entry, field, problem)


def _allowed_fields(model: Any, path: tuple[str, ...]) -> list[str]:
    """The fields of the model at `path` inside `model` (following nested models; [] if not found)."""
    current = model
    for part in path:
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return [] if not part.isdigit() else _allowed_fields(current, ())
        annotation = fields[part].annotation
        inner = [a for a in getattr(annotation, "__args__", ()) if hasattr(a, "model_fields")]
        current = inner[0] if inner else annotation
    return list(getattr(current, "model_fields", {}))
