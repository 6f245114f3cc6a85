"""The knowledge module's exceptions: one small hierarchy with structured fields."""

from __future__ import annotations

from dataclasses import dataclass


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
