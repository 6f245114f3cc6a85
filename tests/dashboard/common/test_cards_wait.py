"""In an emergency, the cards that are not emergencies wait (2026-12-04, forty-second sitting).

A search of random cases found non-emergency cards asking for an X-ray or an ultrasound beside an
emergency's do-not list ("a plain radiograph would delay the emergency MRI", "imaging must not delay
surgical exploration"). The plan already defers those steps; the page and the case summary now say so in
one line above the first card that is not an emergency."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape

import knowledge
from dashboard.bedside import summary
from dashboard.common import assessment_html, words

KB = knowledge.load_knowledge()
SEPTIC_CHILD = {"age_years": 8, "location": "paraspinal", "fever": True, "sirs_signs": True, "hypotension": True,
                "tender": True, "erythema": True}
NOTE = 'data-lbln="cards-wait"'
WORDS = escape(words.CARDS_AFTER_EMERGENCY, quote=True)


def _order(html: str) -> list[str]:
    return [m.group(1) or "WAIT" for m in re.finditer(r'data-flag="([a-z0-9_]+)"|data-lbln="cards-wait"', html)]


def test_the_line_stands_once_above_the_first_card_that_is_not_an_emergency():
    answer = knowledge.assess(SEPTIC_CHILD, KB)
    levels = {flag["id"]: flag["level"] for flag in answer.red_flags}
    order = _order(assessment_html.flags_html(answer, KB, skip_top=True))
    assert order.count("WAIT") == 1
    wait = order.index("WAIT")
    assert all(levels[f] == "emergency" for f in order[:wait]) and all(levels[f] != "emergency" for f in order[wait + 1:])
    assert order[wait + 1:], "the case must have cards below the line"
    assert WORDS in assessment_html.flags_html(answer, KB)


def test_no_line_without_an_emergency_or_without_a_card_below_it():
    urgent = knowledge.assess({"age_years": 40, "location": "paraspinal", "size_cm": 6, "depth": "deep"}, KB)
    assert urgent.triage == "urgent" and NOTE not in assessment_html.flags_html(urgent, KB)
    only_emergencies = knowledge.assess({"age_years": 40, "location": "flank", "grew_within_hours": True}, KB)
    assert only_emergencies.triage == "emergency"
    if all(flag["level"] == "emergency" for flag in only_emergencies.red_flags):
        assert NOTE not in assessment_html.flags_html(only_emergencies, KB)


def test_the_case_summary_carries_the_same_line():
    answer = knowledge.assess(SEPTIC_CHILD, KB)
    page = summary.case_summary_html(answer, KB, datetime(2026, 12, 4, tzinfo=UTC))
    assert page.count(NOTE) == 1 and WORDS in page
