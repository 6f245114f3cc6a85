"""A broken knowledge file raises KnowledgeFileError naming the file, the entry and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge import KnowledgeFileError, load_knowledge


def _corrupt(data: Path, file: str, old: str, new: str) -> None:
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not found in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CORRUPTIONS = [
    # (file, old text, new text, expected entry, expected field, fragment of the problem)
    ("red_flags.yaml", "level: emergency\n    when: {all: [{ref: ces_features}", "level: emergencyy\n    when: {all: [{ref: ces_features}",
     "cauda_equina_syndrome", "level", "emergency"),
    ("red_flags.yaml", "when: {all: [{leg_weakness: true}, {ref: neuro_new_or_worsening}]}\n    message: \"New or worsening leg",
     "when: {all: [{leg_weaknes: true}, {ref: neuro_new_or_worsening}]}\n    message: \"New or worsening leg",
     "new_motor_deficit", "when.all[0].leg_weaknes", "unknown finding"),
    ("red_flags.yaml", "source: girft_ces_pathway_2023\n    note: \"Bilateral sciatica", "source: girft_2099\n    note: \"Bilateral sciatica",
     "cauda_equina_syndrome", "source", "not in sources.yaml"),
    ("red_flags.yaml", "when: {all: [{history_of_cancer: true}, {ref: new_neuro_symptom}",
     "when: {all: [{history_of_cancer: \"yes\"}, {ref: new_neuro_symptom}",
     "mscc_neurological", "when.all[0].history_of_cancer", "true or false"),
    ("red_flags.yaml", "      - {step: xray, rationale: \"A plain radiograph does not show the cauda equina",
     "      - {step: xray_now, rationale: \"A plain radiograph does not show the cauda equina",
     "cauda_equina_syndrome", "do_not[0].step", "not a step of workup.yaml"),
    ("causes.yaml", "    alarm:\n      threshold: 0.3\n", "    alarm:\n      threshold: 1.3\n",
     "occult_spinal_dysraphism", "alarm.threshold", "less than 1"),
    ("red_flags.yaml", "    when: {ultrasound_result: {in: [suspicious, indeterminate]}}",
     "    when: {ultrasound_result: {in: [suspicious, dubious]}}",
     "ultrasound_suspicious", "when.ultrasound_result.in", "'dubious' is not one of"),
    ("workup.yaml", "{step: ct, timing: routine, rationale: \"CT defines", "{step: ctt, timing: routine, rationale: \"CT defines",
     "lumbar_hernia_repair", "steps[1].step", "'ctt' is not a step"),
    ("workup.yaml", "{step: referral, to: general_surgery, timing: routine, rationale: \"Relatively",
     "{step: referral, to: surgeons, timing: routine, rationale: \"Relatively", "lumbar_hernia_repair", "steps[2].to", "a referral needs `to`"),
    ("workup.yaml", "timing: routine, rationale: \"CT defines", "timing: soon, rationale: \"CT defines",
     "lumbar_hernia_repair", "steps.1.timing", "immediate"),
    ("likelihoods.yaml", "tender: {p: 0.95, source: estimate, note: \"Brief 5.1: always tender.\"}",
     "tender: {p: 1.5, source: estimate, note: \"Brief 5.1: always tender.\"}", "abscess.tender", "p", "less than or equal to 0.99"),
    ("likelihoods.yaml", "reducible: {p: 0.85, source: petit_triangle_hernia_arch_surg_2012, note: \"Reducible, enlarges with coughing [R67b].\"}",
     "reducible: {p: 0.85, source: estimate}", "lumbar_hernia.reducible", "note", "no note"),
    ("likelihoods.yaml", "dimple_sign: {p: 0.75,", "dimple_sgn: {p: 0.75,", "dermatofibroma.dimple_sgn", "", "not a finding"),
    ("likelihoods.yaml", "sex: {values: {female: 0.65, male: 0.35}, source: boyle_dermatofibroma",
     "sex: {values: {female: 0.65, males: 0.35}, source: boyle_dermatofibroma", "dermatofibroma.sex", "values", "'males'"),
    ("causes.yaml", "prior: {infant: 8, child: 6, older_child: 6, young: 8, adult: 30, older: 30}",
     "prior: {infant: 8, child: 6, older_child: 6, young: 8, adult: 30}",
     "lipoma", "prior", "missing ['older']"),
    ("causes.yaml", "prior: {infant: 8, child: 6, older_child: 6, young: 8, adult: 30, older: 30}",
     "prior: {infant: 0, child: 6, older_child: 6, young: 8, adult: 30, older: 30}",
     "lipoma", "(entry)", "above 0"),
    ("findings.yaml", "{type: choice, label: Mobility, group: feel, origin: spec, values: [mobile, fixed],",
     "{type: choice, label: Mobility, group: feel, origin: spec, values: [mobile, mobile],", "mobility", "(entry)", "distinct values"),
    ("findings.yaml", "{type: boolean, label: Tender, group: feel,", "{type: yesno, label: Tender, group: feel,", "tender", "type", "boolean"),
    ("sources.yaml", "  - id: nice_ng12_2015\n", "  - id: Nice NG12\n", "Nice NG12", "id", "pattern"),
    ("definitions.yaml", "  inflamed: {all: [{tender: true}, {any: [{erythema: true}, {warmth: true}]}]}",
     "  inflamed: {all: [{tender: true}, {ref: acute_infected_lump}]}", "inflamed", "ref", "cycle"),
    # `alarm` (which can't-miss alarms fired) is read only by workup rules: red flags and named conditions
    # are decided before the alarms, so there it could never hold
    ("red_flags.yaml", "when: {all: [{history_of_cancer: true}, {ref: new_neuro_symptom}",
     "when: {all: [{alarm: metastasis}, {ref: new_neuro_symptom}",
     "mscc_neurological", "when.all[0].alarm", "read only in a workup rule"),
    ("definitions.yaml", "  paediatric: {age_years: {\"<\": 16}}", "  paediatric: {alarm: occult_spinal_dysraphism}",
     "paediatric", "definition.alarm", "read only in a workup rule"),
    ("workup.yaml", "when: {alarm: soft_tissue_sarcoma}", "when: {alarm: soft_tissue_sarcom}",
     "sarcoma_alarm", "when.alarm", "unknown cause 'soft_tissue_sarcom'"),
    ("workup.yaml", "when: {alarm: soft_tissue_sarcoma}", "when: {alarm: lipoma}",
     "sarcoma_alarm", "when.alarm", "has no alarm"),
    # a step's own condition is checked like a rule's, and the error names the step
    ("workup.yaml", "{step: referral, to: spinal_surgery, when: {age_years: {\">=\": 16}}, timing: immediate, phase: 0",
     "{step: referral, to: spinal_surgery, when: {age_yrs: {\">=\": 16}}, timing: immediate, phase: 0",
     "csf_leak_pathway", "steps[1].when.age_yrs", "unknown finding"),
    # a conditional step says its condition (2026.11.54)
    ("workup.yaml", "{step: mri, conditional: true, timing: urgent, within: \"same day if markers raised\",",
     "{step: mri, conditional: true, timing: urgent, within: \"  \",", "spinal_infection_risk_bloods", "steps[1].within",
     "says its condition"),
    ("workup.yaml", "{step: mri, conditional: true, timing: urgent,", "{step: mri, conditional: maybe, timing: urgent,",
     "spinal_infection_risk_bloods", "steps.1.conditional", "boolean"),
    # every `within` of a step that is not conditional has its hours in within_hours (2026.11.70)
    ("workup.yaml", "{step: mri, timing: urgent, within: \"2 weeks\", rationale: \"MRI of the mass without and with contrast",
     "{step: mri, timing: urgent, within: \"a fortnight\", rationale: \"MRI of the mass without and with contrast",
     "sarcoma_pathway", "steps[0].within", "'a fortnight' is not in workup.yaml's within_hours"),
    # and since 2026.11.75 so has a conditional step's
    ("workup.yaml", "conditional: true, timing: immediate, within: \"if the diagnosis is in doubt\",",
     "conditional: true, timing: immediate, within: \"if the diagnosis is unclear\",", "incarcerated_hernia",
     "steps[3].within", "'if the diagnosis is unclear' is not in workup.yaml's within_hours"),
    ("workup.yaml", "  \"days\": 96\n", "  \"days\": soon\n", "days", "within_hours", "a number of 0 or more"),
    # a conditional step's phrase says which steps it waits on (2026.11.86), each a step of the file
    ("workup.yaml", "  \"if the X-ray is normal and concern persists\": [xray]\n", "", "bony_lump_urgent",
     "steps[1].within", "is not in waits_on"),
    ("workup.yaml", "  \"if the X-ray is normal and concern persists\": [xray]\n",
     "  \"if the X-ray is normal and concern persists\": [radiograph]\n", "if the X-ray is normal and concern persists",
     "waits_on[0]", "'radiograph' is not a step"),
    ("workup.yaml", "  \"if the X-ray is normal and concern persists\": [xray]\n",
     "  \"if the X-ray is normal and concern persists\": xray\n", "if the X-ray is normal and concern persists",
     "waits_on", "give a list"),
    ("workup.yaml", "  \"48 hours under 25, 2 weeks otherwise\": {under_25: 48, otherwise: 336}\n",
     "  \"48 hours under 25, 2 weeks otherwise\": {under_25: 48}\n", "48 hours under 25, 2 weeks otherwise",
     "within_hours", "under_25"),
    # a card's `within`, a variant's and an alarm variant's have their hours in within_hours (2026.11.87)
    ("red_flags.yaml", '    within: "MRI within 4 hours"\n', '    within: "MRI within four hours"\n',
     "cauda_equina_syndrome", "within", "'MRI within four hours' is not in workup.yaml's within_hours"),
    ("red_flags.yaml", "        within: \"today\"\n        source: ncl_icb_usc_sarcoma_children\n",
     "        within: \"this afternoon\"\n        source: ncl_icb_usc_sarcoma_children\n",
     "ultrasound_suspicious", "variants[0].within", "'this afternoon' is not in"),
    ("causes.yaml", '          within: "today"\n          source: ncl_icb_usc_sarcoma_children\n',
     '          within: "this afternoon"\n          source: ncl_icb_usc_sarcoma_children\n',
     "soft_tissue_sarcoma", "alarm.variants[0].within", "'this afternoon' is not in"),
    # keeps_review is a yes/no, read on urgent cards only (2026.11.95)
    ("red_flags.yaml", "    keeps_review: true  # 2026.11.95: its action is about the patient whatever the lump is\n    when: {ref: new_confusion",
     "    keeps_review: \"sometimes\"\n    when: {ref: new_confusion", "new_confusion", "keeps_review", "boolean"),
    ("red_flags.yaml", "  - id: new_confusion\n    level: urgent\n", "  - id: new_confusion\n    level: warning\n",
     "new_confusion", "keeps_review", "urgent cards only"),
    # a route beside another referral names a referral target of the file
    ("workup.yaml", "    with_referral_to: sarcoma_service\n", "    with_referral_to: sarcoma_clinic\n",
     "child_suspected_sarcoma_route", "with_referral_to", "got 'sarcoma_clinic'"),
    # a card's action variant: its condition and its source are checked like the rule's, and named
    ("red_flags.yaml", "    variants:\n      - when: {ref: paediatric}\n        action: \"Call the on-call paediatrician today; urgent MRI",
     "    variants:\n      - when: {ref: paediatrc}\n        action: \"Call the on-call paediatrician today; urgent MRI",
     "nf1_changing_neurofibroma", "variants[0].when.ref", "paediatrc"),
    ("red_flags.yaml", "        within: \"today\"\n        source: ncl_icb_usc_sarcoma_children\n",
     "        within: \"today\"\n        source: ncl_icb_2099\n",
     "ultrasound_suspicious", "variants[0].source", "not in sources.yaml"),
    ("red_flags.yaml", "      - when: {ref: paediatric}\n        action: \"Call the on-call paediatrician today; urgent MRI",
     "      - when: {ref: paediatric}\n        action: \"Call\"\n        actio: \"Call the on-call paediatrician today; urgent MRI",
     "nf1_changing_neurofibroma", "variants.0.action", "at least 10"),
    ("causes.yaml", "          source: bnssg_remedy_cyp_suspected_cancer\n", "          source: bnssg_2099\n",
     "primary_bone_tumor", "alarm.variants[0].source", "not in sources.yaml"),
    ("causes.yaml", "        - when: {ref: paediatric}\n          action: \"MRI of the sacrum, pelvis",
     "        - when: {age_years: {\"<\": \"16\"}}\n          action: \"MRI of the sacrum, pelvis",
     "spinal_tumor_or_cyst", "alarm.variants[0].when.age_years.<", "number"),
]


@pytest.mark.parametrize(("file", "old", "new", "entry", "field", "fragment"), CORRUPTIONS,
                         ids=[f"{c[0]}:{c[3]}:{c[4]}" for c in CORRUPTIONS])
def test_corrupted_entry_is_named(data_copy, file, old, new, entry, field, fragment):
    """A corrupted entry gives an error naming its file, its entry, the field and what is wrong."""
    _corrupt(data_copy, file, old, new)
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data_copy)
    err = info.value
    assert err.file == file
    assert err.entry == entry
    assert err.field == field
    assert fragment in err.problem, err.problem
    assert file in str(err) and entry in str(err)


def test_yaml_syntax_error_gives_line(data_copy):
    """A YAML syntax error names the file and the line."""
    _corrupt(data_copy, "workup.yaml", "rules:\n", "rules:\n  - id: [unclosed\n")
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data_copy)
    assert info.value.file == "workup.yaml"
    assert re.search(r"line \d+", info.value.problem)


def test_duplicate_key_is_refused(data_copy):
    """A key given twice in one mapping is an error, not a silent overwrite."""
    _corrupt(data_copy, "causes.yaml", "    short: Lipoma\n", "    short: Lipoma\n    short: Fat lump\n")
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data_copy)
    assert "given twice" in info.value.problem


def test_duplicate_rule_id_is_refused(data_copy):
    """Two red-flag rules with one id are refused."""
    _corrupt(data_copy, "red_flags.yaml", "  - id: new_motor_deficit\n", "  - id: cauda_equina_syndrome\n")
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data_copy)
    assert (info.value.entry, info.value.field) == ("cauda_equina_syndrome", "id")


def test_missing_file_is_named(data_copy):
    """A missing data file is named."""
    (data_copy / "sources.yaml").unlink()
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data_copy)
    assert info.value.file == "sources.yaml" and "cannot be read" in info.value.problem


def test_empty_version_is_refused(data_copy):
    """The knowledge version is required: every result shows it."""
    (data_copy / "VERSION").write_text("\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data_copy)
    assert info.value.file == "VERSION"


def test_unknown_field_lists_allowed(data_copy):
    """An unknown field in an entry is refused and the allowed fields are listed."""
    _corrupt(data_copy, "causes.yaml", "    short: Lipoma\n", "    short: Lipoma\n    colour: blue\n")
    with pytest.raises(KnowledgeFileError) as info:
        load_knowledge(data_copy)
    assert (info.value.entry, info.value.field) == ("lipoma", "colour")
    assert "allowed" in info.value.problem


def test_intact_copy_loads(data_copy):
    """The untouched copy loads: the failures above come from the corruption alone."""
    assert load_knowledge(data_copy).version
