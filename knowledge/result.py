"""The typed, frozen items of an assessment: red flags, plan steps, do-nots, questions, contributions.

Code reads them by attribute (`flag.level`, `step.group`), so a renamed field is a type error rather
than a grep. Each item is also a read-only mapping of exactly its JSON form (`flag["level"]`,
`dict(step)`), and `to_dict()` gives that form: the `python -m knowledge assess` contract is
unchanged. The `Assessment` that holds them lives in `engine.py`, beside the reasoning that fills it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any, Literal, TypeVar

Level = Literal["emergency", "urgent", "warning"]
Timing = Literal["immediate", "urgent", "routine"]
Group = Literal["immediate", "urgent", "routine", "after_emergency"]
Origin = Literal["red_flag", "workup", "cant_miss"]
T = TypeVar("T", bound=type)

LEVEL_RANK: dict[str, int] = {"emergency": 2, "urgent": 1, "warning": 0}
"""A red flag's level as a triage rank (2 emergency, 1 urgent; a warning leaves the triage routine)."""
TIMING_RANK: dict[str, int] = {"immediate": 0, "urgent": 1, "routine": 2}
"""A plan step's timing, most urgent first."""
DEFERRED_BECAUSE = ("An emergency flag has fired: this step would delay the emergency pathway. "
                    "Do it after the emergency is dealt with, if it is still needed.")
"""Why a step waits in the group `after_emergency`."""


def waits_on_held_back(labels: list[str]) -> str:
    """Why a conditional step is marked: the step(s) whose result its condition waits on are on the do-not
    list and not in the plan (2026.11.86). `labels` are those steps' labels ("Ultrasound")."""
    names = " or ".join(label[0].lower() + label[1:] if label[1:2].islower() else label for label in labels)
    return (f"Its condition waits on a result from {names}, which the do-not list holds back here: whoever "
            "takes over decides whether that can be done later, or answers the question another way.")


def quick_init(cls: T) -> T:
    """Give a frozen dataclass an `__init__` that fills the instance's dict in one step.

    The `__init__` that `dataclass(frozen=True)` writes sets each field through `object.__setattr__`,
    which on the test machine costs about 2-3 us per item; an assessment makes 15-25 items. This one
    takes the same parameters (with the same defaults and default factories) and stores the same
    attributes, so the class stays frozen (`setattr` still raises), equal, printable and typed as before.
    A class with `__post_init__` or an `init=False` field is refused (neither is handled).
    """
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__, which quick_init would skip")
    if any(not f.init for f in fields(cls)):
        raise TypeError(f"{cls.__name__} has a field outside __init__ (init=False), which quick_init does not handle")
    names = [f.name for f in fields(cls)]
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": MISSING}
    params, lines = [], []
    for f in fields(cls):
        if f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            lines.append(f"    if {f.name} is _MISSING: {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
    items = ", ".join(f"{n!r}: {n}" for n in names)
    source = f"def __init__(self, {', '.join(params)}):\n" + "".join(line + "\n" for line in lines)
    source += f"    _set(self, '__dict__', {{{items}}})\n"
    exec(source, namespace)  # noqa: S102 - generated from the dataclass's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    generated = vars(cls)["__init__"]
    init.__doc__ = generated.__doc__
    init.__annotations__ = generated.__annotations__
    type.__setattr__(cls, "__init__", init)
    return cls


class ResultItem(Mapping[str, Any]):
    """Base of the result items: attributes for code, a read-only mapping of the JSON form for readers
    that index by key, and `to_dict()` for JSON. Equal to another item or a mapping with the same JSON."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The item's JSON form (a fresh dict)."""
        raise NotImplementedError

    def _json(self) -> dict[str, Any]:
        cached = self.__dict__.get("_json_cache")
        if cached is None:
            cached = self.to_dict()
            object.__setattr__(self, "_json_cache", cached)
        return cached

    def __getitem__(self, key: str) -> Any:
        return self._json()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._json())

    def __len__(self) -> int:
        return len(self._json())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._json() == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to dicts, so not hashable (as the dicts were)


@quick_init
@dataclass(frozen=True, eq=False)
class RedFlag(ResultItem):
    """A red-flag rule that fired, or a can't-miss alarm (then `cause`, `probability` and `threshold` say which)."""

    id: str
    level: Level
    message: str
    action: str
    within: str
    source: str
    """The source's short label, as shown."""
    source_id: str
    note: str = ""
    cause: str | None = None
    probability: float | None = None
    threshold: float | None = None
    action_source: str = ""
    """When a variant of the card replaced its action for this patient (a child's route): that variant's
    source's label; `source` stays the rule's own, which the criterion rests on."""
    action_source_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "level": self.level, "message": self.message, "action": self.action,
                               "within": self.within, "source": self.source, "source_id": self.source_id}
        if self.action_source_id:
            out.update(action_source=self.action_source, action_source_id=self.action_source_id)
        if self.note:
            out["note"] = self.note
        if self.cause is not None:
            out.update(cause=self.cause, probability=self.probability, threshold=self.threshold)
        return out


@quick_init
@dataclass(frozen=True, eq=False)
class PlanStep(ResultItem):
    """One step of the workup plan, in its group of urgency (the plan is in the order to do it)."""

    step: str
    timing: Timing
    within: str
    rationale: str
    source: str
    source_id: str
    rule: str
    """The workup rule that asked for it."""
    group: Group
    to: str | None = None
    """The referral target of a `referral` step."""
    deferred_because: str | None = None
    """Set on the steps that wait until an emergency is dealt with: why."""
    waits_on_held_back: str | None = None
    """Set on a conditional step whose condition waits on a step the do-not list holds back (and the plan
    has none of the steps it could wait on instead): what that means (2026.11.86)."""
    also: tuple[AlsoAsked, ...] = ()
    """The other rules that asked for the same step and target, each with its own reason (2026.11.88)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step": self.step}
        if self.to is not None:
            out["to"] = self.to
        out.update(timing=self.timing, within=self.within, rationale=self.rationale, source=self.source,
                   source_id=self.source_id, rule=self.rule)
        if self.deferred_because is not None:
            out["deferred_because"] = self.deferred_because
        if self.waits_on_held_back is not None:
            out["waits_on_held_back"] = self.waits_on_held_back
        if self.also:
            out["also_asked_by"] = [a.to_dict() for a in self.also]
        out["group"] = self.group
        return out


@quick_init
@dataclass(frozen=True, eq=False)
class AlsoAsked(ResultItem):
    """Another rule's request for a step the plan shows once under a more urgent (or earlier) rule: its reason,
    source and timing (2026.11.88; two rules asking for blood tests ask for different tests)."""

    rule: str
    rationale: str
    source: str
    source_id: str
    timing: Timing
    within: str
    conditional: bool = False
    """A conditional request the shown step covers (2026.11.89): its `within` says its condition."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "rationale": self.rationale, "source": self.source,
                               "source_id": self.source_id, "timing": self.timing}
        if self.within:
            out["within"] = self.within
        if self.conditional:
            out["conditional"] = True
        return out


@quick_init
@dataclass(frozen=True, eq=False)
class DoNot(ResultItem):
    """A step that must not be done, why, its source, and the rule or flag behind it (`origin` says which kind)."""

    step: str
    rationale: str
    source: str
    source_id: str
    rule: str
    origin: Origin
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step": self.step, "rationale": self.rationale, "source": self.source,
                               "source_id": self.source_id, "rule": self.rule, "from": self.origin}
        if self.note:
            out["note"] = self.note
        return out


@quick_init
@dataclass(frozen=True, eq=False)
class Question(ResultItem):
    """An unexamined finding worth asking next, with its score and what the score is made of."""

    finding: str
    label: str
    question: str
    score: float
    information_gain_bits: float
    cant_miss_shift: float

    def to_dict(self) -> dict[str, Any]:
        return {"finding": self.finding, "label": self.label, "question": self.question, "score": self.score,
                "information_gain_bits": self.information_gain_bits, "cant_miss_shift": self.cant_miss_shift}


@quick_init
@dataclass(frozen=True, eq=False)
class SafetyEffect(ResultItem):
    """What one answer to a not-yet-asked finding would do to one safety rule."""

    rule: str
    level: Level
    effect: Literal["fire", "clear"]
    if_answer: Any
    if_range: tuple[NumberRange, ...] | None = None
    """For a number finding, every range of answers that has this effect (`if_answer` is one point of the
    first); None for a yes/no or choice finding."""

    def to_dict(self) -> dict[str, Any]:
        out = {"rule": self.rule, "level": self.level, "effect": self.effect, "if_answer": self.if_answer}
        if self.if_range is not None:
            out["if_range"] = [r.to_dict() for r in self.if_range]
        return out


@dataclass(frozen=True)
class NumberRange:
    """A range of a number finding's answers: `low` and `high` are None where the range is open."""

    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "low_inclusive": self.low_inclusive, "high": self.high,
                "high_inclusive": self.high_inclusive}


@quick_init
@dataclass(frozen=True, eq=False)
class SafetyQuestion(ResultItem):
    """A not-yet-asked finding whose answer alone would fire or clear an emergency or urgent rule."""

    finding: str
    label: str
    question: str
    rules: tuple[SafetyEffect, ...]
    """Most decisive first."""

    def to_dict(self) -> dict[str, Any]:
        return {"finding": self.finding, "label": self.label, "question": self.question,
                "rules": [r.to_dict() for r in self.rules]}


@quick_init
@dataclass(frozen=True, eq=False)
class Contribution(ResultItem):
    """One entered finding's effect on one cause: its likelihood ratio (above 1 raised the cause)."""

    finding: str
    value: Any
    likelihood_ratio: float

    def to_dict(self) -> dict[str, Any]:
        return {"finding": self.finding, "value": self.value, "likelihood_ratio": self.likelihood_ratio}


__all__ = ["Contribution", "DoNot", "PlanStep", "Question", "RedFlag", "ResultItem", "SafetyEffect", "SafetyQuestion"]
