"""User-facing wording of the knowledge and sources page, in one place for review."""

from __future__ import annotations

KN_VERSION = "Knowledge version"
KN_INTRO = (
    "Every figure the ranking uses, every red-flag and workup rule, and the source each rests on. "
    "Where no published figure fits, the project made an estimate; its note says how."
)
KN_FILTER = "Filter every table"
KN_FILTER_PLACEHOLDER = "a word, e.g. sarcoma, MRI, NICE, lipoma"
KN_ONLY_ESTIMATES = "Only the project's estimates"
KN_ESTIMATE_HELP = "Ticked: the project's own estimate (source: estimate); the note says how it was made."
KN_NOTE_HELP = "How the figure or rule was made, or which part of the source it rests on."
KN_FROM_HELP = "own entry: the cause has its own figure for this finding; background: it takes the shared background figure."
KN_LINK_HELP = "Where the source was read: its web page, else its DOI, else its PubMed entry."
KN_ALL = "all"
KN_BY_CAUSE = "Cause"
KN_BY_FINDING = "Finding"
KN_LIKE_VIEW = "Show"
KN_LIKE_VIEWS = {"filled": "every value", "entries": "entries as written"}
KN_FILLED_NOTE = (
    "P(value | cause) as the ranking uses it: each entry filled out to every value of the finding, "
    "values not given sharing what is left, never below 0.01. A cause without its own entry takes "
    "the background (marked in 'from')."
)
KN_ENTRIES_NOTE = "The entries of likelihoods.yaml as written; 'background' is the shared entry of causes without their own."
KN_CAUSES_NOTE = (
    "Prior %: how common each cause is before any finding, per age band (the weights of "
    "causes.yaml renormalised; with no age entered, the bands averaged, each weighted by how often it presents)."
)
KN_CONDITION_NOTE = (
    "Conditions read: finding = value, AND, OR, NOT; [name] is a named definition (Definitions tab). "
    "A finding not examined never satisfies a comparison."
)
KN_WORKUP_NOTE = "Each rule's steps in its own order; the bedside path merges the steps of every rule that fires, ordered by phase and timing."
KN_RULE_PICK = "Read one rule in full (with the definitions it uses)"
KN_RULE_PLACEHOLDER = "choose a rule"
KN_NO_ESTIMATES = "This table holds no figures, so no estimates: switch off 'Only the project's estimates' to see it."
KN_COUNTS = "Estimates made by the project"
KN_SOURCES_IN_REGISTRY = "sources in the registry"
KN_PRIOR_HELP = "Prior in % for this age band: the cause's weight in causes.yaml over the sum of all causes' weights in the band."


def kn_showing(shown: int, total: int) -> str:
    """'Showing 12 of 2160 rows'."""
    return f"Showing {shown} of {total} row{'s' if total != 1 else ''}"

# --- accuracy on published cases (issue 10) ---------------------------------------------------------

ACC_HEADING = "Accuracy on published cases"
ACC_ANCHOR = "accuracy"
ACC_LINK = "How it was measured, and its limits"
ACC_TABLE_ALT = "The ranking's accuracy on the held-out and the development part of the published cases"
ACC_CANNOT = "The accuracy figures cannot be shown"
ACC_OTHER_VERSION_FIGURES = "The figures measured on knowledge {version} (not the knowledge loaded now)"
ACC_RUN = "`make validate` measures the knowledge loaded now ({version}) and rewrites the file."
ACC_LIMITS = "Known limits of the corpus"
ACC_READ = (
    "Each rate is a percentage with its 95% interval and hits out of the cases it applies to. "
    "**The held-out part was not used to choose any number** of the knowledge: it is looked at only to "
    "report, so it is the headline. The development part was used while the figures were set, so it flatters them. "
    "Published case reports are a biased sample (the unusual and the severe are over-represented, and many give "
    "few bedside findings), and the corpus is small: these are estimates with their uncertainty, not a guarantee "
    "of how the ranking will do for the next patient."
)
ACC_PEERS = (
    "Other diagnostic aids publish such figures on their own case sets: Isabel and DXplain have been scored on "
    "published case records; 23 online symptom checkers put the right diagnosis first in 34% of their evaluations "
    "on 45 written vignettes ([Semigran 2015](https://doi.org/10.1136/bmj.h3480)); on 200 primary-care vignettes, "
    "GPs had it among their top three in about 82% ([Gilbert 2020](https://doi.org/10.1136/bmjopen-2020-040269)). "
    "Those are other case sets (all of medicine, written vignettes), so the figures here are not comparable "
    "with theirs one to one."
)


def acc_corpus(corpus: str, held_out: int | None, development: int | None) -> str:
    """What the corpus is and how it splits."""
    split = ""
    if held_out is not None and development is not None:
        split = f" ({held_out} held out, {development} for development)"
    return (
        f"The navigator ranked and triaged {corpus}{split}: published case reports of a lump of the lower back "
        "and textbook controls (validation/cases), given only the findings each report gives at the bedside."
    )


# --- the ranking's structure (model.yaml) ------------------------------------------------------------

STRUCTURE_HEADING = "The ranking's structure"
STRUCTURE_ANCHOR = "structure"
STRUCTURE_INTRO = (
    "Beyond one likelihood per cause and finding (Likelihoods tab), the ranking has two pieces of structure, "
    "both written in knowledge/data/model.yaml."
)
STATES_HEADING = "Causes that are mixtures of states"
STATES_NOTE = (
    "A cause with distinct presentations (a quiet cyst and an inflamed one) is split into states. Each state has "
    "its share of the cause (a cause's shares add up to 100%, at every age; where a share changes with age, the "
    "'share by age' column gives it per band) and its own likelihoods for the findings listed; the ranking "
    "scores every state and the chart shows each cause as the sum of its states."
)
STATE_SHARE_HELP = "The state's share of its cause across all ages (weight in model.yaml): the mixture the cause's likelihoods show."
STATE_BY_AGE_HELP = (
    "The state's share of its cause in each age band, where it changes with age (weight_by_age in model.yaml): "
    "a carcinoma in a wound of decades is almost never a child's. The ranking uses the share of the patient's "
    "band, and with no age entered the bands' shares weighted as the age prior is."
)
STATE_DIFFERS_HELP = "The findings where the state's likelihoods differ from the cause's own entries (or the background)."
GROUPS_HEADING = "Groups of correlated findings"
GROUPS_NOTE = (
    "Findings that travel together are not multiplied as if independent: each of m entered findings "
    "counts with weight 1/(1+(m-1)r), r being the group's assumed pairwise correlation. One finding "
    "entered alone counts fully."
)
GROUP_R_HELP = "The assumed pairwise correlation r of the group's findings (0: independent)."
GROUP_WEIGHT_HELP = "The weight each entered finding of the group counts with, 1/(1+(m-1)r), for m findings entered."
