"""Read, validate and cross-check the knowledge data files, once, into an immutable Knowledge.

Every problem becomes a KnowledgeFileError naming the file, the entry and the field. The loader
also checks ids across files: every finding a rule or likelihood names exists, every source id
resolves, every cause has a prior for every age band.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from knowledge import manifest
from knowledge.conditions import Compiler, Predicate, Scan, needed_findings, one_of_findings, scan_nothing
from knowledge.errors import KnowledgeFileError, validation_error
from knowledge.questions import QuestionMatrices, question_matrices
from knowledge.result import DEFERRED_BECAUSE, LEVEL_RANK, TIMING_RANK, DoNot, Origin, PlanStep, RedFlag
from knowledge.schema import (
    ESTIMATE,
    ActionVariant,
    AgeBand,
    AvoidRef,
    Cause,
    CauseAlarm,
    CauseState,
    CorrelatedGroup,
    Finding,
    Likelihood,
    RedFlagRule,
    Source,
    StepRef,
    WorkupRule,
)

DATA_DIR = Path(__file__).parent / "data"
FLOOR = 0.01
"""No likelihood is ever below this: one surprising finding cannot erase a cause."""
OTHER = "other"
"""The id of the 'other / none of these' cause, whose likelihoods are the background."""
BACKGROUND = "background"

SPEC_STEPS = ("observe", "ultrasound", "xray", "mri", "ct", "biopsy", "incision_drainage", "blood_tests", "excision", "referral")
SPEC_TIMINGS = ("immediate", "urgent", "routine")


MAX_FILE_BYTES = 2 * 1024 * 1024
"""A data file larger than this is refused (the largest, sources.yaml, is about 0.1 MB)."""
MAX_VERSION_CHARS = 40


MAX_DEPTH = 64
"""Deepest nesting of lists and mappings a data file may have (on 2026-12-01 the files nest at most 14 deep)."""

_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (the pinned wheel does): about ten times faster than the
pure-Python one, which made loading the knowledge most of a server's first page."""


class _UniqueKeyLoader(_PARSER):  # type: ignore[misc, valid-type]
    """Strictly private: a safe YAML loader that refuses a key given twice in one mapping and a key
    that is not a plain scalar. Anchors, aliases and deep nesting are refused before it runs
    (`_check_events`)."""


def _check_events(text: str) -> None:
    """Walk the file's parse events (libyaml's parser keeps its own stack, so any depth is safe here)
    and refuse every anchor and alias (no alias bombs; the knowledge never needs them) and nesting
    deeper than MAX_DEPTH, before anything is composed or built."""
    depth = 0
    for event in yaml.parse(text, Loader=_PARSER):
        if isinstance(event, yaml.AliasEvent):
            msg = "aliases (*name) are not allowed in knowledge files: write the value out"
            raise yaml.composer.ComposerError(None, None, msg, event.start_mark)
        if getattr(event, "anchor", None):
            msg = "anchors (&name) are not allowed in knowledge files: write the value out"
            raise yaml.composer.ComposerError(None, None, msg, event.start_mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                msg = f"lists and mappings are nested more than {MAX_DEPTH} deep here (the knowledge files need far fewer)"
                raise yaml.composer.ComposerError(None, None, msg, event.start_mark)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            msg = "a mapping key must be a plain word or number, not a list or mapping"
            raise yaml.constructor.ConstructorError(None, None, msg, key_node.start_mark)
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            msg = f"key {key!r} is given twice (line {key_node.start_mark.line + 1}); the second would silently replace the first"
            raise yaml.constructor.ConstructorError(None, None, msg, key_node.start_mark)
        seen[key] = True
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


R = TypeVar("R", RedFlagRule, WorkupRule)


class PreparedStep(NamedTuple):
    """One step of a workup rule, as the plan shows it, built once when the knowledge loads."""

    key: tuple[str, str | None, bool, str]
    """(step, referral target, conditional, condition): the plan keeps one entry per key, and drops a
    conditional entry beside an unconditional one of the same step and target that is more urgent, or as
    urgent and due no later than the conditional asks (2026.11.75). The condition is
    a conditional step's `within` ("if the X-ray is normal"), empty for an unconditional step: two
    conditional requests for the same step on different conditions both show (2026.11.73)."""
    timing_rank: int
    phase: int
    item: PlanStep
    """The step in its own group (its timing)."""
    deferred: PlanStep
    """The same step waiting in `after_emergency` (used when an emergency fires and the step is not on
    an emergency path and not immediate)."""
    test: Predicate | None = None
    """The step's own condition (`when` on the step), tested after the rule fired; None: always."""
    due: tuple[float, float] | None = None
    """How many hours its `within` allows (under 25 or age not entered, from 25), from workup.yaml's
    `within_hours` (for a conditional step, the time it asks for once its condition holds); None for an
    empty `within` or a phrase with no time to compare."""
    waits_on: frozenset[str] = frozenset()
    """A conditional step's: the steps whose result its condition waits on (workup.yaml's `waits_on`);
    when none is in the plan and the do-not list holds one back, the step shows marked (2026.11.86)."""


@dataclass(frozen=True)
class CompiledRule(Generic[R]):
    """A rule (red flag or workup) with its condition compiled; `reads` lists the findings it looks at.

    What the rule shows when it fires depends on the rule alone, so it is built once here (`flag`,
    `do_not_items`, `plan`) and the engine hands out the same frozen items on every assessment."""

    rule: R
    test: Predicate
    reads: frozenset[str]
    needs: frozenset[str] = frozenset()
    """Findings that must be examined for the rule to fire (the engine skips it otherwise)."""
    needs_mask: int = 0
    """`needs` as bits of `Knowledge.finding_bit` (one integer test per rule instead of a set comparison)."""
    flag: RedFlag | None = None
    """A red-flag rule's item as shown when it fires."""
    level_rank: int = 0
    """A red-flag rule's level as a triage rank (`LEVEL_RANK`)."""
    do_not_items: tuple[tuple[str, DoNot], ...] = ()
    """The rule's do-not items (a red flag's `do_not`, a workup rule's `avoid`), each with its step id."""
    plan: tuple[PreparedStep, ...] = ()
    """A workup rule's steps as the plan shows them."""
    step_tests: tuple[Predicate | None, ...] = ()
    """A workup rule's steps' own conditions, in step order (None where a step has none)."""
    variant_flags: tuple[tuple[Predicate, RedFlag], ...] = ()
    """A red-flag rule's items as shown under each action variant (the first whose test holds is shown)."""
    _sorted: tuple[str, ...] = field(init=False, repr=False, default=())

    @property
    def reads_sorted(self) -> tuple[str, ...]:
        """The findings the rule reads, in a stable order."""
        return self._sorted

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sorted", tuple(sorted(self.reads)))


class AlarmWords(NamedTuple):
    """What a can't-miss alarm's card says to do (its message carries the probability, so the card itself
    is made when the alarm fires)."""

    action: str
    within: str
    note: str
    action_source: str = ""
    action_source_id: str = ""


class AlarmStep(NamedTuple):
    """A step that several can't-miss alarms forbid: held when their causes together reach `threshold`."""

    step: str
    threshold: float
    """The lowest threshold of the alarms that forbid it."""
    members: tuple[tuple[str, DoNot], ...]
    """(cause id, that alarm's do-not item) for each alarm that forbids it."""


class Alarm(NamedTuple):
    """A can't-miss cause's alarm as the engine runs it, with what it shows built once."""

    column: int
    """The cause's column in `Knowledge.cause_ids`."""
    cause: str
    flag_id: str
    """The id of the red flag it fires, and of the rule behind its do-not items: `alarm_<cause>`."""
    alarm: CauseAlarm
    do_not_items: tuple[tuple[str, DoNot], ...]
    """The alarm's do-not items with their step ids."""
    source_label: str
    words: AlarmWords
    """What the card says to do, unless a variant holds."""
    variants: tuple[tuple[Predicate, AlarmWords], ...]
    """The alarm's action variants with their conditions compiled, in order (the first that holds is shown)."""


@dataclass(frozen=True)
class LikelihoodTable:
    """P(category | cause) for one finding: rows are categories, columns causes (cause order)."""

    finding: str
    categories: tuple[str, ...]
    linear: np.ndarray
    log: np.ndarray
    bounds: tuple[float, ...] = ()
    """For a number finding, the upper bounds of its bins (the last bin is open)."""
    index: Mapping[Any, int] = field(default_factory=lambda: MappingProxyType({}))
    """For yes/no and choice findings, value -> row."""


@dataclass(frozen=True)
class Knowledge:
    """The validated, immutable knowledge: what `assess` reasons over."""

    version: str
    data_dir: str
    findings: Mapping[str, Finding]
    causes: Mapping[str, Cause]
    cause_ids: tuple[str, ...]
    cant_miss: np.ndarray
    age_bands: tuple[AgeBand, ...]
    prior: np.ndarray
    """Normalised priors, one row per age band plus a last row for 'age not entered'."""
    log_prior: np.ndarray
    tables: Mapping[str, LikelihoodTable]
    likelihoods: Mapping[tuple[str, str], Likelihood]
    """The entries as written: (cause id or 'background', finding id) -> Likelihood."""
    states: StateModel
    """The ranking's columns: causes split into their states (model.yaml)."""
    groups: Mapping[str, CorrelatedGroup]
    group_of: Mapping[str, tuple[int, float]]
    """finding id -> (index of its correlated group, the group's correlation)."""
    red_flags: tuple[CompiledRule[RedFlagRule], ...]
    workup_rules: tuple[CompiledRule[WorkupRule], ...]
    step_phase: Mapping[str, int]
    step_labels: Mapping[str, str]
    within_due: Mapping[str, tuple[float, float] | None]
    """A `within` phrase (a step's or a card's) -> (hours under 25 or age not entered, hours from 25), or None
    (workup.yaml's `within_hours`)."""
    referral_targets: Mapping[str, str]
    sources: Mapping[str, Source]
    definitions: Mapping[str, Any]
    _questions: QuestionMatrices = field(repr=False)
    """The next-question search's precomputed matrices (engine-private; see knowledge/questions.py)."""
    safety_rules_by_finding: Mapping[str, tuple[CompiledRule[RedFlagRule], ...]] = field(default_factory=lambda: MappingProxyType({}))
    """For each finding, the emergency and urgent red-flag rules that read it (for `safety_questions`)."""
    finding_order: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """A finding's position in findings.yaml (a stable tie-break)."""
    finding_bit: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """A finding's bit (1 << its position), for the rules' `needs_mask`."""
    trial_values: Mapping[str, tuple[Any, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """For each finding, the answers worth trying when asking 'would this unknown fire or clear a
    safety rule?': yes/no, every choice, and for numbers each side of every constant a rule uses."""
    ref_reads: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    """For each named condition, the findings it reads (directly or through other names)."""
    refs_reading: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    """For each finding, the named conditions that read it (the inverse of `ref_reads`)."""
    alarms: tuple[Alarm, ...] = ()
    """The causes that carry a can't-miss alarm (only can't-miss causes may), in knowledge order."""
    alarm_steps: tuple[AlarmStep, ...] = ()
    """Each step that two or more alarms forbid, with those alarms' columns and items (the engine holds it when
    their causes are, together, at or above the lowest of their thresholds)."""
    cant_miss_index: tuple[int, ...] = ()
    """The columns of the can't-miss causes in `cause_ids`."""
    red_flag_scan: Scan = scan_nothing
    """Every red flag tested in one call: the positions in `red_flags` of those that fire (conditions.Compiler.compile_scan)."""
    workup_scan: Scan = scan_nothing
    """The same for `workup_rules`."""

    def source_label(self, source_id: str) -> str:
        """The short citation shown for a source id (or 'Estimate (project)')."""
        return _source_label(self.sources, source_id)

    def entry_for(self, cause_id: str, finding_id: str) -> tuple[Likelihood, bool]:
        """The likelihood entry the engine uses for a cause and a finding, and whether it is the cause's
        own (False: the cause inherits the background entry, as 'other' always does)."""
        own = self.likelihoods.get((cause_id, finding_id))
        if own is not None:
            return own, True
        return self.likelihoods[(BACKGROUND, finding_id)], False

    def likelihood(self, cause_id: str, finding_id: str, category: str) -> float:
        """P(value | cause) exactly as the engine uses it (after the fill rule and the floor)."""
        table = self.tables[finding_id]
        return float(table.linear[table.categories.index(category), self.cause_ids.index(cause_id)])

    def prior_percent(self, band_id: str | None, cause_id: str) -> float:
        """A cause's normalised prior for an age band, in per cent (band None: age not entered)."""
        ids = [b.id for b in self.age_bands]
        row = len(ids) if band_id is None else ids.index(band_id)
        return float(self.prior[row, self.cause_ids.index(cause_id)]) * 100

    def band_index(self, age_years: float | None) -> int:
        """Row of `prior` for an age (the last row when the age is not entered)."""
        if age_years is None:
            return len(self.age_bands)
        for i, band in enumerate(self.age_bands):
            if band.below_years is None or age_years < band.below_years:
                return i
        return len(self.age_bands) - 1


# --- reading -------------------------------------------------------------------------------------


def read_yaml(path: Path) -> Any:
    """Read one YAML data file strictly: safe loading, a key given twice is refused, and any problem
    is a KnowledgeFileError naming the file (and the line for a syntax error)."""
    name = path.name
    try:
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            raise KnowledgeFileError(name, "(file)", "", f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; a knowledge file is never that big")
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise KnowledgeFileError(name, "(file)", "", f"cannot be read: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise KnowledgeFileError(name, "(file)", "", f"is not UTF-8 text (byte {err.start}): save it as UTF-8") from err
    try:
        _check_events(text)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a (C)SafeLoader subclass
    except RecursionError as err:
        raise KnowledgeFileError(name, "(file)", "", "is nested too deeply to read") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise KnowledgeFileError(name, "(file)", "", f"is not valid YAML{where}: {problem}") from err


def _section(data: Any, file: str, key: str, kind: type) -> Any:
    if not isinstance(data, dict):
        raise KnowledgeFileError(file, "(file)", "", f"must be a mapping at the top level, not {type(data).__name__}")
    if key not in data:
        raise KnowledgeFileError(file, "(file)", key, f"the top-level key '{key}' is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise KnowledgeFileError(file, "(file)", key, f"'{key}' must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _validate(model: type[BaseModel], raw: Any, file: str, entry: str) -> Any:
    """Validate one entry; a failure names the file, the entry and the first failing field."""
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise validation_error(err, model, file, entry) from err


def _check_source(item: Any, sources: Mapping[str, Source], file: str, entry: str, prefix: str = "") -> None:
    """A cited source must exist; an estimate must say in `note` how it was made."""
    if item.source == ESTIMATE:
        if not item.note.strip():
            raise KnowledgeFileError(file, entry, f"{prefix}note", "source is 'estimate' but there is no note saying how it was made")
    elif item.source not in sources:
        raise KnowledgeFileError(file, entry, f"{prefix}source", f"source '{item.source}' is not in sources.yaml (nor 'estimate')")


# --- building ------------------------------------------------------------------------------------


def _fill(finding: Finding, like: Likelihood, file: str, entry: str) -> dict[str, float]:
    """Turn one likelihood entry into a full distribution over the finding's categories."""
    cats = finding.categories()
    if finding.type == "boolean":
        if like.p is None:
            raise KnowledgeFileError(file, entry, "values", "a yes/no finding takes `p` (P(yes)), not `values`")
        return {"true": like.p, "false": 1 - like.p}
    if like.values is None:
        raise KnowledgeFileError(file, entry, "p", f"a {finding.type} finding takes `values`, not `p`")
    unknown = sorted(set(like.values) - set(cats))
    if unknown:
        raise KnowledgeFileError(file, entry, "values", f"{unknown} not among this finding's values {list(cats)}")
    rest = [c for c in cats if c not in like.values]
    share = max((1 - sum(like.values.values())) / len(rest), FLOOR) if rest else 0.0
    dist = {c: like.values.get(c, share) for c in cats}
    return _normalise_with_floor(dist)


def _normalise_with_floor(dist: dict[str, float]) -> dict[str, float]:
    """Scale to sum 1 while keeping every value at or above FLOOR (values at the floor stay there)."""
    floored: set[str] = set()
    while True:
        free = {c: v for c, v in dist.items() if c not in floored}
        budget = 1 - FLOOR * len(floored)
        scale = budget / sum(free.values())
        low = {c for c, v in free.items() if v * scale < FLOOR}
        if not low:
            return {c: (FLOOR if c in floored else v * scale) for c, v in dist.items()}
        floored |= low


_FILES = ("sources.yaml", "findings.yaml", "causes.yaml", "likelihoods.yaml", "model.yaml",
          "definitions.yaml", "red_flags.yaml", "workup.yaml")


def _read_version(data_dir: Path) -> str:
    try:
        raw = (data_dir / "VERSION").read_bytes()[: MAX_VERSION_CHARS * 4 + 1]
        version = raw.decode("utf-8").strip()
    except OSError as err:
        raise KnowledgeFileError("VERSION", "(file)", "", f"cannot be read: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise KnowledgeFileError("VERSION", "(file)", "", "is not UTF-8 text") from err
    if not version:
        raise KnowledgeFileError("VERSION", "(file)", "", "is empty; it must hold the knowledge version")
    if len(version) > MAX_VERSION_CHARS or not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+-]*", version):
        raise KnowledgeFileError("VERSION", "(file)", "", "must be one short version word such as 2026.11.1 (letters, digits, . + -)")
    return version


def _string_keys(mapping: Mapping[Any, Any], file: str, section: str) -> None:
    """Every id is a string: `yes:` or `12:` as a key would become True or 12 in YAML."""
    for key in mapping:
        if not isinstance(key, str):
            raise KnowledgeFileError(file, str(key), "id", f"an id in '{section}' must be a word, not {type(key).__name__} {key!r} (quote it)")


def _read_sources(path: Path) -> dict[str, Source]:
    """sources.yaml: the citation registry, ids unique."""
    sources: dict[str, Source] = {}
    for i, raw in enumerate(_section(read_yaml(path), "sources.yaml", "sources", list)):
        entry = raw.get("id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
        src = _validate(Source, raw, "sources.yaml", str(entry))
        if src.id in sources:
            raise KnowledgeFileError("sources.yaml", src.id, "id", "this id is used by two entries")
        sources[src.id] = src
    return sources


def _read_findings(path: Path) -> dict[str, Finding]:
    """findings.yaml: the vocabulary."""
    raw_findings = _section(read_yaml(path), "findings.yaml", "findings", dict)
    _string_keys(raw_findings, "findings.yaml", "findings")
    return {fid: _validate(Finding, raw, "findings.yaml", fid) for fid, raw in raw_findings.items()}


def _read_causes(path: Path, sources: Mapping[str, Source]) -> tuple[tuple[AgeBand, ...], dict[str, Cause], np.ndarray]:
    """causes.yaml: the age bands, the causes and their normalised priors (a last row for 'age not
    entered': the mean of the bands)."""
    data = read_yaml(path)
    bands = tuple(_validate(AgeBand, raw, "causes.yaml", f"age_bands #{i + 1}")
                  for i, raw in enumerate(_section(data, "causes.yaml", "age_bands", list)))
    band_ids = [b.id for b in bands]
    _check_bands(bands)
    raw_causes = _section(data, "causes.yaml", "causes", dict)
    _string_keys(raw_causes, "causes.yaml", "causes")
    causes = {cid: _validate(Cause, raw, "causes.yaml", cid) for cid, raw in raw_causes.items()}
    if OTHER not in causes:
        raise KnowledgeFileError("causes.yaml", OTHER, "", "the 'other / none of these' cause is required")
    for cid, cause in causes.items():
        _check_source(cause, sources, "causes.yaml", cid)
        if cause.alarm is not None:
            _check_source(cause.alarm, sources, "causes.yaml", cid, "alarm.")
        if set(cause.prior) != set(band_ids):
            missing = sorted(set(band_ids) - set(cause.prior))
            extra = sorted(set(cause.prior) - set(band_ids))
            raise KnowledgeFileError("causes.yaml", cid, "prior", f"needs exactly the age bands {band_ids}; missing {missing}, unknown {extra}")
    prior = np.array([[causes[c].prior[b] for c in causes] for b in band_ids], dtype=float)
    prior /= prior.sum(axis=1, keepdims=True)
    return bands, causes, np.vstack([prior, _no_age_row(bands, prior)])


def _no_age_row(bands: tuple[AgeBand, ...], prior: np.ndarray) -> np.ndarray:
    """The prior when the age is not entered: the bands' normalised priors averaged, each weighted by how
    often its band presents (`presentation_share`, normalised) when every band gives one, else equally."""
    shares = [b.presentation_share for b in bands]
    if all(x is None for x in shares):
        return prior.mean(axis=0)
    missing = [b.id for b in bands if b.presentation_share is None]
    if missing:
        raise KnowledgeFileError("causes.yaml", f"age_bands {missing[0]}", "presentation_share",
                                 "give a presentation share for every age band or for none")
    w = np.array(shares, dtype=float)
    return (w / w.sum()) @ prior


def _check_bands(bands: tuple[AgeBand, ...]) -> None:
    """Age bands: unique ids, upper bounds strictly increasing, and only the last one open."""
    if not bands:
        raise KnowledgeFileError("causes.yaml", "age_bands", "", "at least one age band is needed")
    ids = [b.id for b in bands]
    if len(set(ids)) != len(ids):
        raise KnowledgeFileError("causes.yaml", "age_bands", "id", f"band ids must be unique: {ids}")
    bounds = [b.below_years for b in bands]
    if bounds[-1] is not None or any(b is None for b in bounds[:-1]):
        raise KnowledgeFileError("causes.yaml", "age_bands", "below_years", "only the last band is open (below_years: null)")
    inner = [b for b in bounds[:-1] if b is not None]
    if any(not (a < b) for a, b in itertools.pairwise(inner)) or any(b <= 0 for b in inner):
        raise KnowledgeFileError("causes.yaml", "age_bands", "below_years", f"band bounds must increase strictly from above 0: {inner}")


def _read_likelihoods(path: Path, findings: Mapping[str, Finding], causes: Mapping[str, Cause],
                      sources: Mapping[str, Source]) -> dict[tuple[str, str], Likelihood]:
    """likelihoods.yaml: the entries as written, (cause id or 'background', finding id) -> entry."""
    data = read_yaml(path)
    background = _section(data, "likelihoods.yaml", BACKGROUND, dict)
    per_cause = _section(data, "likelihoods.yaml", "causes", dict)
    likelihoods: dict[tuple[str, str], Likelihood] = {}
    _string_keys(background, "likelihoods.yaml", BACKGROUND)
    _string_keys(per_cause, "likelihoods.yaml", "causes")
    for owner, block in [(BACKGROUND, background), *per_cause.items()]:
        if isinstance(block, dict):
            _string_keys(block, "likelihoods.yaml", owner)
        if owner != BACKGROUND and owner not in causes:
            raise KnowledgeFileError("likelihoods.yaml", owner, "", "is not a cause of causes.yaml")
        if owner == OTHER:
            raise KnowledgeFileError("likelihoods.yaml", OTHER, "", "'other' takes the background; give no entries for it")
        if not isinstance(block, dict):
            raise KnowledgeFileError("likelihoods.yaml", owner, "", f"must map finding ids to entries, not {type(block).__name__}")
        for fid, raw in block.items():
            entry = f"{owner}.{fid}"
            if fid not in findings:
                raise KnowledgeFileError("likelihoods.yaml", entry, "", f"'{fid}' is not a finding of findings.yaml")
            like = _validate(Likelihood, raw, "likelihoods.yaml", entry)
            _check_source(like, sources, "likelihoods.yaml", entry)
            if fid == "age_years":
                raise KnowledgeFileError("likelihoods.yaml", entry, "", "age enters through the priors of causes.yaml, not as a likelihood")
            if findings[fid].type == "number" and not findings[fid].bins:
                raise KnowledgeFileError("likelihoods.yaml", entry, "", f"number finding '{fid}' has no bins in findings.yaml")
            likelihoods[(owner, fid)] = like
    for (owner, fid) in list(likelihoods):
        if owner != BACKGROUND and (BACKGROUND, fid) not in likelihoods:
            raise KnowledgeFileError("likelihoods.yaml", f"{owner}.{fid}", "", f"'{fid}' has cause entries but no background entry")
    return likelihoods


def _build_tables(likelihoods: Mapping[tuple[str, str], Likelihood], findings: Mapping[str, Finding],
                  cause_ids: tuple[str, ...]) -> dict[str, LikelihoodTable]:
    """One full P(category | cause) table per finding that has likelihoods (fill rule and floor applied)."""
    tables: dict[str, LikelihoodTable] = {}
    for (owner, fid), like in likelihoods.items():
        if owner != BACKGROUND:
            continue
        finding = findings[fid]
        cats = finding.categories()
        base = _fill(finding, like, "likelihoods.yaml", f"{BACKGROUND}.{fid}")
        matrix = np.empty((len(cats), len(cause_ids)))
        for j, cid in enumerate(cause_ids):
            own = likelihoods.get((cid, fid))
            dist = _fill(finding, own, "likelihoods.yaml", f"{cid}.{fid}") if own else base
            matrix[:, j] = [dist[c] for c in cats]
        if finding.type == "number":
            extra: dict[str, Any] = {"bounds": tuple(b.below for b in finding.bins or () if b.below is not None)}
        elif finding.type == "boolean":
            extra = {"index": MappingProxyType({True: 0, False: 1})}
        else:
            extra = {"index": MappingProxyType({c: i for i, c in enumerate(cats)})}
        tables[fid] = LikelihoodTable(fid, cats, matrix, np.log(matrix), **extra)
    for t in tables.values():
        t.linear.setflags(write=False)
        t.log.setflags(write=False)
    return tables


@dataclass(frozen=True)
class StateModel:
    """The ranking's columns: each cause's states (a cause without states is one column of its own)."""

    ids: tuple[str, ...]
    """'cause' or 'cause.state', in column order (a cause's states next to each other)."""
    names: tuple[str, ...]
    """The state's name ('' for a cause without states)."""
    cause_index: np.ndarray
    """For each column, the index of its cause in `cause_ids`."""
    weights: np.ndarray
    """For each column, the state's share of its cause (1 for a cause without states)."""
    log_prior: np.ndarray
    """Rows as `Knowledge.prior` (bands, then age not entered); columns the states."""
    log_tables: Mapping[str, np.ndarray]
    """finding id -> log P(category | state), rows as the finding's LikelihoodTable."""
    states: Mapping[str, tuple[tuple[str, CauseState], ...]]
    """cause id -> its states as written in model.yaml (id, entry)."""
    row_start: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """finding id -> the row where its categories start in `stacked`."""
    columns_of: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """cause id -> its state columns, for the causes with states (two or more)."""
    value_row: Mapping[tuple[str, Any], int] = field(default_factory=lambda: MappingProxyType({}))
    """(yes/no or choice finding id, value) -> its row in `stacked` (the table's row plus `row_start`)."""
    number_rows: Mapping[str, tuple[int, tuple[float, ...]]] = field(default_factory=lambda: MappingProxyType({}))
    """Number finding id -> (`row_start`, the upper bounds of its bins): its row is the start plus the
    count of bounds at or below the value."""
    stacked: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    """Every finding's `log_tables` stacked (rows: finding categories; columns: states), so the ranking
    gathers all entered rows in one step."""


def _read_model(path: Path, findings: Mapping[str, Finding], causes: Mapping[str, Cause],
                likelihoods: Mapping[tuple[str, str], Likelihood],
                sources: Mapping[str, Source],
                band_ids: tuple[str, ...]) -> tuple[dict[str, tuple[tuple[str, CauseState], ...]], dict[str, CorrelatedGroup]]:
    """model.yaml: causes' states (mixtures of presentations) and groups of correlated findings."""
    file = "model.yaml"
    data = read_yaml(path)
    raw_states = _section(data, file, "states", dict)
    raw_groups = _section(data, file, "correlated_groups", dict)
    _string_keys(raw_states, file, "states")
    _string_keys(raw_groups, file, "correlated_groups")
    states: dict[str, tuple[tuple[str, CauseState], ...]] = {}
    for cid, block in raw_states.items():
        if cid not in causes:
            raise KnowledgeFileError(file, f"states.{cid}", "", "is not a cause of causes.yaml")
        if cid == OTHER:
            raise KnowledgeFileError(file, f"states.{cid}", "", "'other' takes the background and has no states")
        if not isinstance(block, dict) or len(block) < 2:
            raise KnowledgeFileError(file, f"states.{cid}", "", "must map at least two state ids to entries")
        _string_keys(block, file, f"states.{cid}")
        entries = []
        for sid, raw in block.items():
            entry = f"states.{cid}.{sid}"
            if not re.fullmatch(r"[a-z0-9_]+", sid):
                raise KnowledgeFileError(file, entry, "", "a state id is lower-case letters, digits and _")
            state = _validate(CauseState, raw, file, entry)
            _check_source(state, sources, file, entry)
            for fid, like in state.likelihoods.items():
                if fid not in findings:
                    raise KnowledgeFileError(file, entry, f"likelihoods.{fid}", f"'{fid}' is not a finding of findings.yaml")
                if (BACKGROUND, fid) not in likelihoods:
                    raise KnowledgeFileError(file, entry, f"likelihoods.{fid}",
                                             f"'{fid}' has no background entry in likelihoods.yaml, so the ranking does not use it")
                _check_source(like, sources, file, f"{entry}.likelihoods.{fid}")
                _fill(findings[fid], like, file, f"{entry}.likelihoods.{fid}")
            entries.append((sid, state))
        total = sum(st.weight for _, st in entries)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise KnowledgeFileError(file, f"states.{cid}", "weight", f"the states' weights add up to {total:g}, not 1")
        _check_weights_by_age(cid, entries, band_ids, file)
        states[cid] = tuple(entries)
    groups: dict[str, CorrelatedGroup] = {}
    seen: dict[str, str] = {}
    for gid, raw in raw_groups.items():
        entry = f"correlated_groups.{gid}"
        group = _validate(CorrelatedGroup, raw, file, entry)
        _check_source(group, sources, file, entry)
        for fid in group.findings:
            if fid not in findings:
                raise KnowledgeFileError(file, entry, "findings", f"'{fid}' is not a finding of findings.yaml")
            if (BACKGROUND, fid) not in likelihoods:
                raise KnowledgeFileError(file, entry, "findings", f"'{fid}' does not move the ranking (no background entry)")
            if fid in seen:
                raise KnowledgeFileError(file, entry, "findings", f"'{fid}' is already in group '{seen[fid]}'")
            seen[fid] = gid
        groups[gid] = group
    return states, groups


def _check_weights_by_age(cid: str, entries: list[tuple[str, CauseState]], band_ids: tuple[str, ...], file: str) -> None:
    """`weight_by_age`: given for every state of the cause or for none; each names exactly the age bands,
    each share is above 0 and below 1, the states' shares add up to 1 in every band, and the state's
    all-ages `weight` lies within its band shares."""
    given = [sid for sid, st in entries if st.weight_by_age is not None]
    if not given:
        return
    if len(given) != len(entries):
        missing = next(sid for sid, st in entries if st.weight_by_age is None)
        raise KnowledgeFileError(file, f"states.{cid}.{missing}", "weight_by_age",
                                 "give weight_by_age for every state of the cause or for none")
    for sid, st in entries:
        by_age = st.weight_by_age or {}
        entry = f"states.{cid}.{sid}"
        if set(by_age) != set(band_ids):
            missing_b = sorted(set(band_ids) - set(by_age))
            extra = sorted(set(by_age) - set(band_ids))
            raise KnowledgeFileError(file, entry, "weight_by_age",
                                     f"needs exactly the age bands {list(band_ids)}; missing {missing_b}, unknown {extra}")
        for band, share in by_age.items():
            if not 0 < share < 1:
                raise KnowledgeFileError(file, entry, f"weight_by_age.{band}", f"a share is above 0 and below 1, not {share:g}")
        if not min(by_age.values()) <= st.weight <= max(by_age.values()):
            raise KnowledgeFileError(file, entry, "weight",
                                     f"the all-ages weight {st.weight:g} lies outside its band shares")
    for band in band_ids:
        total = sum((st.weight_by_age or {})[band] for _, st in entries)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise KnowledgeFileError(file, f"states.{cid}", f"weight_by_age.{band}",
                                     f"the states' shares add up to {total:g}, not 1")


def _state_model(tables: dict[str, LikelihoodTable], likelihoods: Mapping[tuple[str, str], Likelihood],
                 findings: Mapping[str, Finding], cause_ids: tuple[str, ...], prior: np.ndarray,
                 states: Mapping[str, tuple[tuple[str, CauseState], ...]],
                 bands: tuple[AgeBand, ...]) -> tuple[StateModel, dict[str, LikelihoodTable]]:
    """The state columns and their tables; and the cause tables with each mixture cause's column replaced
    by its states' weighted mixture (what P(value | cause) is when the cause has states). A state's prior
    in an age band is its cause's prior times its share in that band; with the age not entered, the
    bands' state priors averaged as the causes' are (`_no_age_row`)."""
    ids: list[str] = []
    names: list[str] = []
    cause_index: list[int] = []
    weights: list[float] = []
    band_weights: list[list[float]] = []  # per column, its share of its cause in each age band
    for j, cid in enumerate(cause_ids):
        for sid, st in states.get(cid, ((None, None),)):  # type: ignore[arg-type]
            ids.append(cid if sid is None else f"{cid}.{sid}")
            names.append("" if st is None else st.name)
            cause_index.append(j)
            weights.append(1.0 if st is None else st.weight)
            by_age = None if st is None else st.weight_by_age
            band_weights.append([weights[-1] if by_age is None else by_age[b.id] for b in bands])
    index = np.array(cause_index, dtype=np.intp)
    w = np.array(weights)
    mix = np.zeros((len(ids), len(cause_ids)))
    mix[np.arange(len(ids)), index] = w
    log_tables: dict[str, np.ndarray] = {}
    cause_tables: dict[str, LikelihoodTable] = {}
    for fid, table in tables.items():
        lin = table.linear[:, index].copy()
        for col, (sid_full, j) in enumerate(zip(ids, cause_index, strict=True)):
            if "." not in sid_full:
                continue
            sid = sid_full.split(".", 1)[1]
            state = dict(states[cause_ids[j]])[sid]
            own = state.likelihoods.get(fid)
            if own is not None:
                dist = _fill(findings[fid], own, "model.yaml", f"states.{sid_full}.likelihoods.{fid}")
                lin[:, col] = [dist[c] for c in table.categories]
        log = np.log(lin)
        log.setflags(write=False)
        log_tables[fid] = log
        marginal = lin @ mix
        marginal.setflags(write=False)
        mlog = np.log(marginal)
        mlog.setflags(write=False)
        cause_tables[fid] = LikelihoodTable(fid, table.categories, marginal, mlog, table.bounds, table.index)
    band_prior = prior[:-1, index] * np.array(band_weights).T
    with np.errstate(divide="raise"):
        log_prior = np.log(np.vstack([band_prior, _no_age_row(bands, band_prior)]))
    starts, n = {}, 0
    for fid, log in log_tables.items():
        starts[fid] = n
        n += len(log)
    stacked = np.vstack(list(log_tables.values())) if log_tables else np.empty((0, len(ids)))
    columns_of = {cid: cols for cid in cause_ids
                  if len(cols := tuple(col for col, j in enumerate(cause_index) if cause_ids[j] == cid)) > 1}
    value_row = {(fid, value): starts[fid] + row for fid in log_tables for value, row in cause_tables[fid].index.items()}
    number_rows = {fid: (starts[fid], cause_tables[fid].bounds) for fid in log_tables if cause_tables[fid].bounds}
    model = StateModel(tuple(ids), tuple(names), _frozen(index), _frozen(w), _frozen(log_prior),
                       MappingProxyType(log_tables), MappingProxyType(dict(states)),
                       MappingProxyType(starts), MappingProxyType(columns_of), MappingProxyType(value_row),
                       MappingProxyType(number_rows),
                       _frozen(np.ascontiguousarray(stacked)))
    return model, cause_tables


class _Steps(NamedTuple):
    """The step vocabulary of workup.yaml: phases, labels, referral targets, and how soon each `within`
    phrase is due."""

    phase: dict[str, int]
    label: dict[str, str]
    targets: dict[str, str]
    due: dict[str, tuple[float, float] | None]
    """`within` phrase -> (hours under 25 or age not entered, hours from 25), or None: no time to compare."""
    waits_on: dict[str, frozenset[str]]
    """A conditional step's `within` phrase -> the steps whose result it waits on (empty: the bedside
    answers it)."""


def _read_steps(workup_data: Any) -> _Steps:
    step_defs = _section(workup_data, "workup.yaml", "steps", dict)
    targets = _section(workup_data, "workup.yaml", "referral_targets", dict)
    timings = _section(workup_data, "workup.yaml", "timings", dict)
    for sid in SPEC_STEPS:
        if sid not in step_defs:
            raise KnowledgeFileError("workup.yaml", sid, "steps", "a workup step of the shared spec is missing")
    for tim in SPEC_TIMINGS:
        if tim not in timings:
            raise KnowledgeFileError("workup.yaml", tim, "timings", "a timing of the shared spec is missing")
    phase: dict[str, int] = {}
    label: dict[str, str] = {}
    for section, mapping in (("steps", step_defs), ("referral_targets", targets), ("timings", timings)):
        _string_keys(mapping, "workup.yaml", section)
    for sid, spec in step_defs.items():
        well_formed = isinstance(spec, dict) and set(spec) == {"label", "phase"}
        if not well_formed or type(spec.get("phase")) is not int or not isinstance(spec.get("label"), str):
            raise KnowledgeFileError("workup.yaml", sid, "steps", "each step needs {label: <text>, phase: <whole number>}")
        phase[sid] = spec["phase"]
        label[sid] = spec["label"]
    return _Steps(phase, label, dict(targets), _read_within_hours(workup_data), _read_waits_on(workup_data, phase))


def _hours(value: Any) -> bool:
    return type(value) in (int, float) and value >= 0


def _read_within_hours(workup_data: Any) -> dict[str, tuple[float, float] | None]:
    """workup.yaml's `within_hours`: how many hours each `within` phrase allows, so that when two rules ask
    for the same step at the same timing the plan keeps the sooner (a number; {under_25: h, otherwise: h}
    for a phrase that depends on age; null for a phrase with no time to compare, 'when stable')."""
    table = _section(workup_data, "workup.yaml", "within_hours", dict)
    _string_keys(table, "workup.yaml", "within_hours")
    out: dict[str, tuple[float, float] | None] = {}
    for phrase, value in table.items():
        if value is None:
            out[phrase] = None
        elif _hours(value):
            out[phrase] = (float(value), float(value))
        elif isinstance(value, dict) and set(value) == {"under_25", "otherwise"} and all(_hours(v) for v in value.values()):
            out[phrase] = (float(value["under_25"]), float(value["otherwise"]))
        else:
            raise KnowledgeFileError("workup.yaml", phrase, "within_hours",
                                     "give the hours as a number of 0 or more, as {under_25: <hours>, otherwise: <hours>}, "
                                     "or null for a phrase with no time to compare")
    return out


def _read_waits_on(workup_data: Any, step_phase: Mapping[str, int]) -> dict[str, frozenset[str]]:
    """workup.yaml's `waits_on`: for each conditional step's phrase, the steps whose result it waits on
    (2026.11.86), each a step of workup.yaml."""
    table = _section(workup_data, "workup.yaml", "waits_on", dict)
    _string_keys(table, "workup.yaml", "waits_on")
    out: dict[str, frozenset[str]] = {}
    for phrase, value in table.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KnowledgeFileError("workup.yaml", phrase, "waits_on",
                                     "give a list of the steps whose result the condition waits on ([] for none)")
        for k, step in enumerate(value):
            if step not in step_phase:
                raise KnowledgeFileError("workup.yaml", phrase, f"waits_on[{k}]", f"'{step}' is not a step of workup.yaml")
        out[phrase] = frozenset(value)
    return out


def _check_do_not(items: tuple[AvoidRef, ...], steps: _Steps, sources: Mapping[str, Source], file: str, entry: str, name: str) -> None:
    for k, item in enumerate(items):
        if item.step not in steps.phase:
            raise KnowledgeFileError(file, entry, f"{name}[{k}].step", f"'{item.step}' is not a step of workup.yaml")
        _check_source(item, sources, file, entry, f"{name}[{k}].")


def _compile_rule(compiler: Compiler, when: Any, rule_id: str, definitions: Mapping[str, Any], file: str,
                  *, allow_always: bool = False) -> tuple[Predicate, frozenset[str], frozenset[str]]:
    """Compile a rule's condition and its static 'needed findings' bound; a condition nested too deeply
    to walk is a named error, not a RecursionError."""
    try:
        test, reads = compiler.compile(when, rule_id, allow_always=allow_always)
        return test, reads, needed_findings(when, definitions)
    except RecursionError as err:
        raise KnowledgeFileError(file, rule_id, "when", "the condition is nested too deeply") from err


def _compile_variants(compiler: Compiler, variants: tuple[ActionVariant, ...], sources: Mapping[str, Source],
                      file: str, entry: str, prefix: str = "") -> tuple[tuple[Predicate, ActionVariant], ...]:
    """A card's action variants: each source checked and each condition compiled (tested only once the
    card fired, so not part of the file's scan); errors name the file, the entry and the variant's field."""
    out = []
    for n, variant in enumerate(variants):
        field_ = f"{prefix}variants[{n}]"
        _check_source(variant, sources, file, entry, f"{field_}.")
        try:
            test = compiler.compile(variant.when, entry, f"{field_}.when", scanned=False)[0]
        except RecursionError as err:
            raise KnowledgeFileError(file, entry, f"{field_}.when", "the condition is nested too deeply") from err
        out.append((test, variant))
    return tuple(out)


def _check_within(phrases: list[tuple[str, str | None]], due: Mapping[str, Any], file: str, entry: str) -> None:
    """Each `within` (a step's, a card's or a variant's) must have its hours in workup.yaml's `within_hours`:
    the engine compares steps' (2026.11.75) and sorts cards of one level soonest first (2026.11.87)."""
    for field_, phrase in phrases:
        if phrase and phrase not in due:
            raise KnowledgeFileError(file, entry, field_, f"'{phrase}' is not in workup.yaml's within_hours: add how many "
                                     "hours it allows (or null if it gives no time to compare)")


def _compile_step(compiler: Compiler, when: Any, rule_id: str, k: int) -> Predicate:
    """A step's own condition (tested only after its rule fired, so it is not part of the file's scan)."""
    try:
        return compiler.compile(when, rule_id, f"steps[{k}].when", scanned=False)[0]
    except RecursionError as err:
        raise KnowledgeFileError("workup.yaml", rule_id, f"steps[{k}].when", "the condition is nested too deeply") from err


def _read_red_flags(path: Path, compiler: Compiler, definitions: Mapping[str, Any], steps: _Steps,
                    sources: Mapping[str, Source]) -> list[CompiledRule[RedFlagRule]]:
    """red_flags.yaml: each rule validated, its sources and do-not steps checked, its condition compiled."""
    red_flags = []
    seen: set[str] = set()
    compiler.file = "red_flags.yaml"
    for i, raw in enumerate(_section(read_yaml(path), "red_flags.yaml", "rules", list)):
        entry = raw.get("id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
        rule = _validate(RedFlagRule, raw, "red_flags.yaml", str(entry))
        if rule.id in seen:
            raise KnowledgeFileError("red_flags.yaml", rule.id, "id", "this id is used by two rules")
        seen.add(rule.id)
        _check_source(rule, sources, "red_flags.yaml", rule.id)
        if rule.keeps_review and rule.level != "urgent":
            raise KnowledgeFileError("red_flags.yaml", rule.id, "keeps_review",
                                     f"keeps_review is read on urgent cards only (this card is {rule.level})")
        _check_do_not(rule.do_not, steps, sources, "red_flags.yaml", rule.id, "do_not")
        _check_within([("within", rule.within), *((f"variants[{n}].within", v.within) for n, v in enumerate(rule.variants))],
                      steps.due, "red_flags.yaml", rule.id)
        test, reads, needs = _compile_rule(compiler, rule.when, rule.id, definitions, "red_flags.yaml")
        source = _source_label(sources, rule.source)
        variant_flags = tuple(
            (variant_test, RedFlag(rule.id, rule.level, rule.message, v.action, rule.within if v.within is None else v.within,
                                   source, rule.source, f"{rule.note} {v.note}".strip(),
                                   action_source=_source_label(sources, v.source), action_source_id=v.source))
            for variant_test, v in _compile_variants(compiler, rule.variants, sources, "red_flags.yaml", rule.id))
        red_flags.append(CompiledRule(rule, test, reads, needs, variant_flags=variant_flags))
    return red_flags


def _read_workup_rules(workup_data: Any, compiler: Compiler, definitions: Mapping[str, Any], steps: _Steps,
                       sources: Mapping[str, Source]) -> list[CompiledRule[WorkupRule]]:
    """The rules of workup.yaml: validated, steps and targets checked, conditions compiled."""
    workup_rules = []
    seen: set[str] = set()
    compiler.file = "workup.yaml"
    for i, raw in enumerate(_section(workup_data, "workup.yaml", "rules", list)):
        entry = raw.get("id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
        rule = _validate(WorkupRule, raw, "workup.yaml", str(entry))
        if rule.id in seen:
            raise KnowledgeFileError("workup.yaml", rule.id, "id", "this id is used by two rules")
        seen.add(rule.id)
        for k, step in enumerate([*rule.steps, *rule.avoid]):
            field = f"steps[{k}]" if k < len(rule.steps) else f"avoid[{k - len(rule.steps)}]"
            if step.step not in steps.phase:
                raise KnowledgeFileError("workup.yaml", rule.id, f"{field}.step", f"'{step.step}' is not a step of this file")
            _check_source(step, sources, "workup.yaml", rule.id, f"{field}.")
            if isinstance(step, StepRef):
                if step.step == "referral" and step.to not in steps.targets:
                    problem = f"a referral needs `to` from {list(steps.targets)}, got {step.to!r}"
                    raise KnowledgeFileError("workup.yaml", rule.id, f"{field}.to", problem)
                if step.step != "referral" and step.to is not None:
                    raise KnowledgeFileError("workup.yaml", rule.id, f"{field}.to", "only a referral has `to`")
                if step.conditional and not step.within.strip():
                    problem = "a conditional step says its condition in `within` ('if the diagnosis is in doubt')"
                    raise KnowledgeFileError("workup.yaml", rule.id, f"{field}.within", problem)
        if rule.with_referral_to is not None and rule.with_referral_to not in steps.targets:
            problem = f"`with_referral_to` needs a referral target from {list(steps.targets)}, got {rule.with_referral_to!r}"
            raise KnowledgeFileError("workup.yaml", rule.id, "with_referral_to", problem)
        step_tests = tuple(None if s.when is None else _compile_step(compiler, s.when, rule.id, k)
                           for k, s in enumerate(rule.steps))
        test, reads, needs = _compile_rule(compiler, rule.when, rule.id, definitions, "workup.yaml", allow_always=rule.fallback)
        workup_rules.append(CompiledRule(rule, test, reads, needs, step_tests=step_tests))
    return workup_rules


def _trial_values(findings: Mapping[str, Finding], number_constants: Mapping[str, set[float]]) -> dict[str, tuple[Any, ...]]:
    """The answers worth trying for each finding in the 'not yet asked (safety)' search."""
    trial_values: dict[str, tuple[Any, ...]] = {}
    for fid, finding in findings.items():
        if finding.type == "boolean":
            trial_values[fid] = (True, False)
        elif finding.type == "choice":
            trial_values[fid] = tuple(finding.values or ())
        else:
            # every comparison with a constant has one truth value on each open interval between the
            # constants and at each constant: one point of each is enough
            lo, hi = float(finding.min or 0), float(finding.max or 0)
            cuts = sorted({lo, hi, *(c for c in number_constants.get(fid, ()) if lo <= c <= hi)})
            points = set(cuts) | {(a + b) / 2 for a, b in itertools.pairwise(cuts)}
            trial_values[fid] = tuple(sorted(points))
    return trial_values


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _build(data_dir: Path) -> Knowledge:
    """Read and check every data file, then refuse the knowledge unless it matches its manifest (every
    file's SHA-256 and the required ids: knowledge/manifest.py). Validation comes first, so a broken
    entry is named precisely; the manifest then catches what validates but is not whole (an emptied
    or truncated rule file)."""
    k = build_unchecked(data_dir)
    manifest.check(data_dir, k)
    return k


def build_unchecked(data_dir: Path) -> Knowledge:
    """Read every data file (one reader each), cross-check them, and freeze the result, without the
    manifest check (for `make knowledge-manifest` only)."""
    files = {n: data_dir / n for n in _FILES}
    version = _read_version(data_dir)
    sources = _read_sources(files["sources.yaml"])
    findings = _read_findings(files["findings.yaml"])
    bands, causes, prior = _read_causes(files["causes.yaml"], sources)
    cause_ids = tuple(causes)
    likelihoods = _read_likelihoods(files["likelihoods.yaml"], findings, causes, sources)
    states, groups = _read_model(files["model.yaml"], findings, causes, likelihoods, sources,
                                 tuple(b.id for b in bands))
    state_model, tables = _state_model(_build_tables(likelihoods, findings, cause_ids), likelihoods, findings,
                                       cause_ids, prior, states, bands)
    group_of = {fid: (i, g.correlation) for i, g in enumerate(groups.values()) for fid in g.findings}

    definitions = _section(read_yaml(files["definitions.yaml"]), "definitions.yaml", "definitions", dict)
    _string_keys(definitions, "definitions.yaml", "definitions")
    compiler = Compiler("red_flags.yaml", findings, set(causes), definitions)
    for name in definitions:  # every definition must compile, used or not
        try:
            compiler.compile_ref(name)
        except RecursionError as err:
            raise KnowledgeFileError("definitions.yaml", name, "definition", "the condition is nested too deeply") from err
    workup_data = read_yaml(files["workup.yaml"])
    steps = _read_steps(workup_data)
    for cid, cause in causes.items():
        if cause.alarm is not None:
            _check_do_not(cause.alarm.do_not, steps, sources, "causes.yaml", cid, "alarm.do_not")
            _check_within([(f"alarm.variants[{n}].within", v.within) for n, v in enumerate(cause.alarm.variants)],
                          steps.due, "causes.yaml", cid)
    red_flags = _read_red_flags(files["red_flags.yaml"], compiler, definitions, steps, sources)
    # a workup rule may read which can't-miss alarms fired (`alarm`); nothing decided before them may
    compiler.alarm_causes = frozenset(cid for cid, c in causes.items() if c.cant_miss and c.alarm is not None)
    workup_rules = _read_workup_rules(workup_data, compiler, definitions, steps, sources)
    compiler.alarm_causes = None

    order = {fid: i for i, fid in enumerate(findings)}
    bit = {fid: 1 << i for fid, i in order.items()}
    red_flags = _prepared_flags(_with_masks(red_flags, bit), sources)
    workup_rules = _prepared_workup(_with_masks(workup_rules, bit), steps, sources)
    compiler.file = "red_flags.yaml"
    red_flag_scan = compiler.compile_scan([_scan_entry(r, definitions, bit) for r in red_flags])
    compiler.file = "workup.yaml"
    workup_scan = compiler.compile_scan([_scan_entry(r, definitions, bit) for r in workup_rules])
    alarms = _alarms(causes, cause_ids, sources, compiler)
    cant_miss = _frozen(np.array([causes[c].cant_miss for c in cause_ids]))
    ref_reads = {name: reads for name, (_, reads) in compiler.compiled_refs().items()}
    return Knowledge(
        version=version,
        data_dir=str(data_dir),
        findings=MappingProxyType(findings),
        causes=MappingProxyType(causes),
        cause_ids=cause_ids,
        cant_miss=cant_miss,
        age_bands=bands,
        prior=_frozen(prior),
        log_prior=_frozen(np.log(prior)),
        tables=MappingProxyType(tables),
        likelihoods=MappingProxyType(likelihoods),
        states=state_model,
        groups=MappingProxyType(groups),
        group_of=MappingProxyType(group_of),
        red_flags=tuple(red_flags),
        workup_rules=tuple(workup_rules),
        step_phase=MappingProxyType(steps.phase),
        step_labels=MappingProxyType(steps.label),
        within_due=MappingProxyType(steps.due),
        referral_targets=MappingProxyType(steps.targets),
        sources=MappingProxyType(sources),
        definitions=MappingProxyType(definitions),
        trial_values=MappingProxyType(_trial_values(findings, compiler.number_constants)),
        safety_rules_by_finding=MappingProxyType({
            fid: tuple(r for r in red_flags if r.rule.level != "warning" and fid in r.reads) for fid in findings
        }),
        finding_order=MappingProxyType(order),
        finding_bit=MappingProxyType(bit),
        ref_reads=MappingProxyType(ref_reads),
        refs_reading=MappingProxyType({fid: frozenset(n for n, reads in ref_reads.items() if fid in reads) for fid in findings}),
        _questions=question_matrices(state_model.log_tables, findings, cant_miss, len(state_model.ids)),
        alarms=alarms,
        alarm_steps=_alarm_steps(alarms),
        cant_miss_index=tuple(int(j) for j in np.flatnonzero(cant_miss)),
        red_flag_scan=red_flag_scan,
        workup_scan=workup_scan,
    )


def _alarms(causes: Mapping[str, Cause], cause_ids: tuple[str, ...], sources: Mapping[str, Source],
            compiler: Compiler) -> tuple[Alarm, ...]:
    """The can't-miss causes that carry an alarm, in knowledge order, their action variants compiled."""
    out = []
    compiler.file = "causes.yaml"
    for j, cid in enumerate(cause_ids):
        alarm = causes[cid].alarm
        if causes[cid].cant_miss and alarm is not None:
            variants = tuple(
                (test, AlarmWords(v.action, v.within or "", f"{alarm.note} {v.note}".strip(), _source_label(sources, v.source), v.source))
                for test, v in _compile_variants(compiler, alarm.variants, sources, "causes.yaml", cid, "alarm."))
            flag_id = f"alarm_{cid}"
            out.append(Alarm(j, cid, flag_id, alarm, _do_not_items(alarm.do_not, flag_id, "cant_miss", sources),
                             _source_label(sources, alarm.source), AlarmWords(alarm.action, "", alarm.note), variants))
    return tuple(out)


def _alarm_steps(alarms: tuple[Alarm, ...]) -> tuple[AlarmStep, ...]:
    """The steps two or more alarms forbid, in the order they first appear, each with the alarms that forbid it."""
    members: dict[str, list[tuple[str, DoNot]]] = {}
    thresholds: dict[str, float] = {}
    for alarm in alarms:
        for step, item in alarm.do_not_items:
            members.setdefault(step, []).append((alarm.cause, item))
            thresholds[step] = min(thresholds.get(step, 1.0), alarm.alarm.threshold)
    return tuple(AlarmStep(step, thresholds[step], tuple(found)) for step, found in members.items() if len(found) > 1)


def _with_masks(rules: list[CompiledRule[R]], bit: Mapping[str, int]) -> list[CompiledRule[R]]:
    """The rules with `needs_mask` set from their needed findings' bits."""
    return [dataclasses.replace(r, needs_mask=sum(bit[f] for f in r.needs)) for r in rules]


def _scan_entry(compiled: CompiledRule[R], definitions: Mapping[str, Any], bit: Mapping[str, int]) -> tuple[str, int, int]:
    """(rule id, needs_mask, one-of mask) for `Compiler.compile_scan`."""
    one_of = one_of_findings(compiled.rule.when, definitions) or frozenset()
    return compiled.rule.id, compiled.needs_mask, sum(bit[f] for f in one_of)


def _source_label(sources: Mapping[str, Source], source_id: str) -> str:
    if source_id == ESTIMATE:
        return "Estimate (project; see note)"
    return sources[source_id].label


def _do_not_items(avoid: tuple[AvoidRef, ...], origin_id: str, kind: Origin,
                  sources: Mapping[str, Source]) -> tuple[tuple[str, DoNot], ...]:
    return tuple((a.step, DoNot(a.step, a.rationale, _source_label(sources, a.source), a.source, origin_id, kind, a.note))
                 for a in avoid)


def _prepared_flags(rules: list[CompiledRule[RedFlagRule]], sources: Mapping[str, Source]) -> list[CompiledRule[RedFlagRule]]:
    """The red-flag rules with the items they show built once."""
    out = []
    for compiled in rules:
        r = compiled.rule
        flag = RedFlag(r.id, r.level, r.message, r.action, r.within, _source_label(sources, r.source), r.source, r.note)
        out.append(dataclasses.replace(compiled, flag=flag, level_rank=LEVEL_RANK[r.level],
                                       do_not_items=_do_not_items(r.do_not, r.id, "red_flag", sources)))
    return out


def _prepared_workup(rules: list[CompiledRule[WorkupRule]], steps: _Steps, sources: Mapping[str, Source],
                     ) -> list[CompiledRule[WorkupRule]]:
    """The workup rules with their steps and avoid items built once. Every `within` of a step must be in
    `within_hours` (an empty one needs not): the engine compares them, a conditional step's with the
    unconditional request beside it (2026.11.75). A conditional step's `within` must be in `waits_on` too
    (2026.11.86)."""
    step_phase, due = steps.phase, steps.due
    out = []
    for compiled in rules:
        r = compiled.rule
        plan: list[PreparedStep] = []
        _check_within([(f"steps[{n}].within", s.within) for n, s in enumerate(r.steps)], due, "workup.yaml", r.id)
        for n, (s, step_test) in enumerate(zip(r.steps, compiled.step_tests, strict=True)):
            if s.conditional and s.within not in steps.waits_on:
                raise KnowledgeFileError("workup.yaml", r.id, f"steps[{n}].within",
                                         f"'{s.within}' is not in waits_on: list the steps whose result the condition "
                                         "waits on ([] if the bedside answers it)")
            step_due = due[s.within] if s.within else None
            waits_on = steps.waits_on[s.within] if s.conditional else frozenset()
            label = _source_label(sources, s.source)
            item = PlanStep(s.step, s.timing, s.within, s.rationale, label, s.source, r.id, s.timing, s.to, None)
            deferred = PlanStep(s.step, s.timing, s.within, s.rationale, label, s.source, r.id, "after_emergency", s.to,
                                DEFERRED_BECAUSE)
            phase = s.phase if s.phase is not None else step_phase[s.step]
            key = (s.step, s.to, s.conditional, s.within if s.conditional else "")
            plan.append(PreparedStep(key, TIMING_RANK[s.timing], phase, item, deferred, step_test, step_due, waits_on))
        out.append(dataclasses.replace(compiled, plan=tuple(plan),
                                       do_not_items=_do_not_items(r.avoid, r.id, "workup", sources)))
    return out


@functools.lru_cache(maxsize=4)
def _load_cached(data_dir: str) -> Knowledge:
    return _build(Path(data_dir))


def load_knowledge(data_dir: str | Path | None = None) -> Knowledge:
    """Load and validate the knowledge once per directory (cached; the result is immutable)."""
    return _load_cached(str(Path(data_dir) if data_dir is not None else DATA_DIR))


def clear_cache() -> None:
    """Forget loaded knowledge (tests use this after writing a corrupted copy)."""
    _load_cached.cache_clear()


assert math.isclose(FLOOR, 0.01)
