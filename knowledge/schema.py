"""Strict pydantic models of the knowledge data files (one model per kind of entry).

Every model is frozen and forbids unknown keys, so a typo in a data file is an error, not a
silently ignored field. Conditions (the small rule language) are checked by `conditions.py`,
because their errors must name the path inside the condition.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_PRIOR_WEIGHT = 1e6
"""Prior weights are relative; a weight above this is a slip (and 1e308 for every cause overflows)."""
MAX_CHOICES = 50
"""At most this many values of a choice finding: with the 0.01 floor on every value, about 100 would
leave nothing for the values that carry the evidence."""
ESTIMATE = "estimate"
"""The reserved source id of a figure or rule the project estimated itself (needs a `note`)."""

Level = Literal["emergency", "urgent", "warning"]
Timing = Literal["immediate", "urgent", "routine"]
FindingType = Literal["boolean", "choice", "number"]
Group = Literal["patient", "site", "feel", "skin", "history", "systemic", "neuro", "results"]


class _Strict(BaseModel):
    # allow_inf_nan=False: a prior, likelihood, threshold or bound of .inf or .nan is refused (an
    # infinite prior once made every probability NaN; a NaN threshold makes a rule that never fires).
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        """YAML's `true` is not a number: pydantic would read it as 1 (a phase of `true`, a size bound of
        `yes`), so a boolean given for a number field is refused here, naming the field."""
        if isinstance(data, dict):
            for name, info in cls.model_fields.items():
                value = data.get(name)
                if isinstance(value, bool) and _is_number_annotation(info.annotation):
                    msg = f"{name}: expects a number, not the boolean {value!r}"
                    raise ValueError(msg)
        return data


def _is_number_annotation(annotation: Any) -> bool:
    """Whether a field's type is a number (int or float, possibly optional), not a bool."""
    args = getattr(annotation, "__args__", None)
    if args:
        return any(_is_number_annotation(a) for a in args if a is not type(None))
    return annotation in (int, float)


class _Sourced(_Strict):
    """Strictly private: an entry that rests on a source, or on our estimate with a note."""

    source: str = Field(min_length=1, description="An id of sources.yaml, or `estimate`.")
    note: str = Field(default="", description="How the figure was made; required for `estimate` (checked by the loader).")


class Source(_Strict):
    """One citation of the registry."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=3, max_length=90)
    authors: str = ""
    publisher: str = ""
    title: str = Field(min_length=3)
    year: int | None = Field(default=None, ge=1900, le=2100)
    doi: str | None = None
    pmid: str | None = Field(default=None, pattern=r"^[0-9]+$")
    url: str | None = Field(default=None, pattern=r"^https?://")
    brief_ref: str = ""
    kind: Literal["guideline", "review", "study", "case_report", "reference_text", "secondary"]
    read_note: str = ""

    @property
    def link(self) -> str:
        """Where the source can be read: its url, else its DOI, else its PubMed page ('' if none).

        The one link builder of the project (the pages and the case summary all use it). The PubMed
        address ends in a slash, the form PubMed itself links to (the bare form redirects)."""
        if self.url:
            return self.url
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return ""

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if not (self.doi or self.pmid or self.url):
            msg = "a source needs at least one of doi, pmid or url"
            raise ValueError(msg)
        return self


class Bin(_Strict):
    """A band of a number finding: values below `below` (and at or above the previous band)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    below: float | None = Field(description="Upper bound (exclusive); null for the last band.")


class Finding(_Strict):
    """One finding a clinician can enter: its type, allowed values and meaning."""

    type: FindingType
    label: str = Field(min_length=2)
    group: Group
    origin: Literal["spec", "project"] = Field(
        description="`spec`: in the shared vocabulary (never renamed); `project`: added here."
    )
    meaning: str = ""
    question: str = Field(default="", description="How to ask or examine it, for 'examine next'.")
    values: tuple[str, ...] | None = None
    value_labels: dict[str, str] | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    step: float | None = None
    bins: tuple[Bin, ...] | None = None
    why_added: str = Field(default="", description="For project findings: the rule that needs it.")

    @model_validator(mode="after")
    def _shape_fits_type(self) -> Finding:
        if self.type == "choice":
            if not self.values or len(set(self.values)) != len(self.values):
                msg = "a choice finding needs a list of distinct values"
                raise ValueError(msg)
            if len(self.values) > MAX_CHOICES:
                msg = f"a choice finding has at most {MAX_CHOICES} values (the likelihood floor needs room), not {len(self.values)}"
                raise ValueError(msg)
            if self.value_labels and set(self.value_labels) - set(self.values):
                msg = f"value_labels name values not in the list: {sorted(set(self.value_labels) - set(self.values))}"
                raise ValueError(msg)
        elif self.values is not None:
            msg = f"only a choice finding has values (this one is {self.type})"
            raise ValueError(msg)
        if self.type == "number":
            if self.min is None or self.max is None or self.min >= self.max:
                msg = "a number finding needs min < max"
                raise ValueError(msg)
            if self.bins:
                bounds = [b.below for b in self.bins]
                if bounds[-1] is not None or any(b is None for b in bounds[:-1]):
                    msg = "only the last bin may (and must) have below: null"
                    raise ValueError(msg)
                inner = [b for b in bounds[:-1] if b is not None]
                if inner != sorted(inner) or len(set(inner)) != len(inner):
                    msg = "bins must be in increasing order of `below`"
                    raise ValueError(msg)
        elif self.bins is not None or self.min is not None or self.max is not None:
            msg = f"min, max and bins belong to number findings (this one is {self.type})"
            raise ValueError(msg)
        if self.origin == "project" and not self.why_added:
            msg = "a finding added by the project says why (why_added)"
            raise ValueError(msg)
        return self

    def categories(self) -> tuple[str, ...]:
        """The values a likelihood is given for: choice values, bin ids, or true/false."""
        if self.type == "choice":
            return self.values or ()
        if self.type == "number":
            return tuple(b.id for b in self.bins or ())
        return ("true", "false")


class AgeBand(_Strict):
    """An age band of the priors (upper bound exclusive; null for the last)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    below_years: float | None
    presentation_share: float | None = Field(default=None, gt=0, le=1, description=(
        "Share of patients presenting with a lower-back lump who fall in this band; when every band gives "
        "one, the prior for 'age not entered' is the bands' priors averaged with these weights."))


class AvoidRef(_Sourced):
    """A step that must not be done (yet), and why: a workup rule's `avoid`, a red flag's or a
    can't-miss alarm's `do_not`."""

    step: str
    rationale: str = Field(min_length=10)


class ActionVariant(_Sourced):
    """What a fired card says to do for one kind of patient, in place of the rule's own `action` (and its
    `within` when given): a child's route to the same specialist, for one. The first variant whose `when`
    holds is shown; the rule fires, and its level and do-not list apply, exactly as without it. Its
    `source` backs the replaced words; its note says which parts keep the rule's own source."""

    when: Any = Field(description="A condition, tested only when the card fires.")
    action: str = Field(min_length=10)
    within: str | None = Field(default=None, description="Replaces the rule's `within` when given.")


class CauseAlarm(_Sourced):
    """The ranking feeding safety: when a can't-miss cause's estimated probability reaches
    `threshold`, the cause's `do_not` list applies, and a flag of `level` fires if the findings also
    multiply the cause's prior odds by `min_odds_ratio` (since 2026.11.43 the do-not list does not wait
    for the flag)."""

    threshold: float = Field(gt=0, lt=1, description="Probability (0-1) at or above which the alarm fires.")
    level: Literal["emergency", "urgent"] = "urgent"
    min_odds_ratio: float = Field(default=2.0, ge=1, le=100, description=(
        "The entered findings must multiply the cause's prior odds (for the age band) by at least this much: "
        "the alarm answers what the findings say, not what the age alone says."))
    action: str = Field(min_length=10, description="What to do when the alarm fires.")
    do_not: tuple[AvoidRef, ...] = Field(default=(), description=(
        "Steps that must not be done once the probability reaches `threshold`, whether or not the flag fires."))
    variants: tuple[ActionVariant, ...] = Field(default=(), description=(
        "What the alarm's card says to do instead for some patients (the first whose `when` holds)."))


class Cause(_Sourced):
    """A cause the engine ranks, with its prior weight in each age band."""

    name: str = Field(min_length=2)
    short: str = Field(min_length=2, max_length=28, description="Chart label.")
    cant_miss: bool
    cant_miss_why: str = ""
    prior: dict[str, float] = Field(description="Relative weight per age band id; renormalised per band.")
    about: str = ""
    alarm: CauseAlarm | None = Field(default=None, description="Can't-miss causes only: the probability back-stop.")

    @model_validator(mode="after")
    def _prior_positive(self) -> Cause:
        bad = {k: v for k, v in self.prior.items() if isinstance(v, bool) or not 0 < v <= MAX_PRIOR_WEIGHT}
        if bad:
            msg = (f"every prior weight must be above 0 (never rule a cause out by age) and at most "
                   f"{MAX_PRIOR_WEIGHT:g}: {bad}")
            raise ValueError(msg)
        if self.cant_miss and not self.cant_miss_why:
            msg = "a can't-miss cause says why (cant_miss_why)"
            raise ValueError(msg)
        if self.cant_miss and self.alarm is None:
            msg = "a can't-miss cause needs an alarm (threshold, level, action, source) so the ranking feeds safety"
            raise ValueError(msg)
        if not self.cant_miss and self.alarm is not None:
            msg = "only a can't-miss cause has an alarm"
            raise ValueError(msg)
        return self


class Likelihood(_Sourced):
    """P(finding value | cause): `p` for a yes/no finding (P(yes)), `values` for the others."""

    p: float | None = Field(default=None, ge=0.01, le=0.99, description="P(yes); both P(yes) and P(no) keep the 0.01 floor.")
    values: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Likelihood:
        if (self.p is None) == (self.values is None):
            msg = "give exactly one of p (yes/no findings) or values (choices and number bands)"
            raise ValueError(msg)
        if self.values is not None:
            bad = {k: v for k, v in self.values.items() if not 0.01 <= v <= 1}
            if bad:
                msg = f"likelihoods must lie in [0.01, 1] (never zero: the floor is 0.01): {bad}"
                raise ValueError(msg)
            if sum(self.values.values()) > 1.02:
                msg = f"the listed likelihoods add up to {sum(self.values.values()):.3f}, above 1"
                raise ValueError(msg)
        return self


class CauseState(_Sourced):
    """One presentation of a cause that is a mixture (a quiet or an inflamed cyst): its share of the
    cause and the likelihoods where it differs from the cause's own entries (or the background)."""

    name: str = Field(min_length=2, description="Shown with the cause when this state explains most of it.")
    weight: float = Field(gt=0, lt=1, description="The state's share of the cause (a cause's states add up to 1); with "
                          "`weight_by_age`, its share across all ages, which the cause's mixed likelihoods use.")
    weight_by_age: dict[str, float] | None = Field(
        default=None,
        description="Age band id -> the state's share of the cause in that band, when the share changes with age "
                    "(a carcinoma in a wound of decades); every band, and every state of the cause, or none.")
    likelihoods: dict[str, Likelihood] = Field(default_factory=dict, description="finding id -> entry for this state")


class CorrelatedGroup(_Sourced):
    """Findings that travel together (tender, red, warm): their likelihood ratios are not multiplied as if
    independent. With m of them entered and pairwise correlation r, each counts 1 / (1 + (m - 1) r)."""

    findings: tuple[str, ...] = Field(min_length=2)
    correlation: float = Field(ge=0, le=0.9, description="Assumed pairwise correlation r (0: independent).")


class StepRef(_Sourced):
    """One step a workup rule adds to the path."""

    step: str
    to: str | None = None
    timing: Timing
    within: str = Field(default="", description="Finer timing said in words, e.g. 'within 4 hours'.")
    phase: int | None = Field(default=None, description="Overrides the step's default place in the path.")
    rationale: str = Field(min_length=10)
    when: Any = Field(default=None, description="A condition on this step alone, tested only when the rule fires "
                      "(for example the patient's age, to choose a child's or an adult's referral target).")
    conditional: bool = Field(default=False, description=(
        "The step is asked for only if what `within` says holds ('if the diagnosis is in doubt'). It never stands "
        "in for another rule's unconditional request of the same step and target, and is dropped only beside a "
        "more urgent one."))


class RedFlagRule(_Sourced):
    """A safety rule: fires from findings alone (or a can't-miss probability, said in `when`)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    level: Level
    when: Any
    message: str = Field(min_length=10)
    action: str = Field(min_length=10)
    within: str = ""
    do_not: tuple[AvoidRef, ...] = Field(default=(), description="Steps that must not be done while this flag stands.")
    variants: tuple[ActionVariant, ...] = Field(default=(), description=(
        "What the card says to do instead for some patients (the first whose `when` holds); firing is unchanged."))
    keeps_review: bool = Field(default=False, description=(
        "An urgent card whose concern leaves the plan's review-and-safety-net step (`observe`) standing: its "
        "action is about the patient whatever the lump is, or about a bleed the review follows. Beside any "
        "other urgent card the step is left out (a lump suspected of a cancer, an infection or a vascular "
        "injury is not one to watch for 4-6 weeks)."))


class WorkupRule(_Strict):
    """A rule that adds ordered steps to the workup path, or forbids some."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    when: Any
    steps: tuple[StepRef, ...] = ()
    avoid: tuple[AvoidRef, ...] = ()
    fallback: bool = Field(default=False, description="Applies only when no other rule added a step other than a blood test.")
    with_referral_to: str | None = Field(
        default=None, description="Applies only when the plan the other rules made refers to this target: a route "
        "that goes beside that referral (a child's call to the on-call paediatrician beside the sarcoma service).")
    emergency: bool = Field(default=False, description="An emergency pathway: its steps stay on the emergency path; "
                            "when an emergency fires, other rules' non-immediate steps wait until it is dealt with.")
    about: str = ""

    @model_validator(mode="after")
    def _does_something(self) -> WorkupRule:
        if not self.steps and not self.avoid:
            msg = "a workup rule adds at least one step or one avoid"
            raise ValueError(msg)
        if self.with_referral_to is not None and (self.fallback or self.avoid):
            msg = "a rule with `with_referral_to` adds steps beside a referral: it cannot be a fallback or have `avoid`"
            raise ValueError(msg)
        return self
