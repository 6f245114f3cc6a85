"""The bedside page in a real browser, on a touch tablet held both ways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BOTH = pytest.mark.parametrize("viewport", ["landscape", "portrait"])
CES_LINK = "?age_years=52&sex=female&location=midline_lumbar&depth=deep&back_pain=true&saddle_anesthesia=true&bladder_bowel_dysfunction=true"


@BOTH
def test_tapping_findings_updates_chart_and_panels(navigator, viewport):
    """Tapping a punctum and keratin discharge moves the ranking, the why panel and the next question."""
    nav = navigator(viewport)
    chart_before = nav.chart_text()
    next_before = nav.panel("next").inner_text()
    nav.open_group("Skin")
    nav.enter("punctum", "yes", "true")
    nav.enter("discharge", "keratin", "keratin")
    assert nav.chart_text() != chart_before
    why = nav.panel("why").inner_text()
    assert why.startswith("Why Epidermoid (sebaceous) cyst"), why
    assert "Punctum: yes" in why and "Discharge: keratin" in why
    assert re.search(r"×\d", why), "likelihood ratios are shown as ×n"
    assert nav.panel("next").inner_text() != next_before
    assert nav.panel("triage").get_attribute("data-level") == "routine"
    nav.assert_clean()


@BOTH
def test_emergency_from_link_is_visible_without_scrolling(navigator, viewport):
    """A link with cauda equina features opens with the emergency banner and flag wholly on screen."""
    nav = navigator(viewport, CES_LINK)
    banner = nav.panel("triage")
    flag = nav.page.locator("[data-lbln='flag'][data-flag='cauda_equina_syndrome']")
    assert banner.get_attribute("data-level") == "emergency"
    assert "EMERGENCY" in banner.inner_text()
    assert "EMERGENCY" in flag.inner_text() and "Within:" in flag.inner_text() and "Source:" in flag.inner_text()
    if viewport == "landscape":
        assert nav.in_viewport(banner), "the triage banner must be above the fold"
        assert nav.in_viewport(flag), "the emergency flag must be above the fold"
    else:  # portrait: the pinned strip carries the level and the first action; the cards are one tap away
        strip = nav.panel("strip")
        assert nav.in_viewport(strip), "the pinned strip must be on screen"
        assert "EMERGENCY" in strip.inner_text() and "MRI within 4 hours" in strip.inner_text()
    path = nav.screenshot(f"bedside-{viewport}")
    assert path.stat().st_size > 10_000
    nav.assert_clean()


@BOTH
def test_emergency_tapped_low_on_the_page_stays_in_view(navigator, viewport):
    """Tapping saddle numbness far down the form raises an emergency banner that sticks on screen,
    and the tapped control stays where the finger is (the flag card opens the results column, not above the findings)."""
    nav = navigator(viewport)
    nav.open_group("Neurological")
    saddle = nav.finding("saddle_anesthesia")
    before = nav.settle_in_middle(saddle)  # where a clinician taps: mid-screen, after the group has unfolded
    nav.enter("saddle_anesthesia", "yes", "true")
    assert nav.panel("triage").get_attribute("data-level") == "emergency"
    banner = nav.panel("triage" if viewport == "landscape" else "strip")  # portrait: the pinned strip
    # waiting assertions (they poll): under load the sticky banner can settle a frame after the rerun
    expect(banner).to_be_in_viewport(ratio=1)  # it must stay wholly in view while the findings are scrolled
    try:
        expect(saddle).to_be_in_viewport()  # tapping must not jump the page away
    except AssertionError as exc:
        shot = nav.screenshot(f"tapped-low-failed-{viewport}")
        raise AssertionError(f"{exc}\nbefore the tap: {before}; after: {nav.scroll_state(saddle)}; see {shot}") from None
    nav.assert_clean()


def test_tampered_link_names_each_bad_parameter(navigator):
    """A link with an out-of-range size, a bad yes/no and a misspelt finding names each, and keeps the rest."""
    nav = navigator("landscape", "?age_years=45&size_cm=120&tender=maybe&leg_weaknes=true")
    alert = nav.page.get_by_test_id("stAlert")
    text = alert.inner_text()
    assert "3 parameters" in text
    assert "size_cm=120" in text and "was it entered in mm" in text
    assert "tender=maybe" in text
    assert "leg_weaknes=true" in text and "leg_weakness" in text
    assert nav.finding("age_years").locator("input").input_value() == "45"
    assert nav.page.get_by_test_id("stException").count() == 0
    nav.page.wait_for_url(re.compile(r"\?age_years=45$"))
    nav.assert_clean()


def test_reset_returns_every_finding_to_not_examined(navigator):
    """Reset clears a case opened from a link: the URL empties and the banner says nothing is assessed yet."""
    nav = navigator("portrait", CES_LINK)
    nav.page.get_by_role("button", name="Reset: new patient").tap()
    nav.page.wait_for_url(re.compile(r"/(bedside)?$"))
    nav.wait_for_app_run()
    assert nav.panel("triage").get_attribute("data-level") == "none"  # not assessed: never a reassuring ROUTINE
    assert nav.finding("age_years").locator("input").input_value() == ""
    nav.assert_clean()



def test_a_link_streamlit_drops_is_told_on_the_page(navigator):
    """A link over Streamlit's own 1,000-field limit reaches the app as an empty query; the page says so
    in words (issue 13 item 2) instead of silently opening an empty case, and shows nothing of the URL."""
    query = "?" + "&".join(f"p{i}=x" for i in range(1200)) + "&age_years=45"
    screen = navigator("landscape", query)
    notice = screen.page.locator("[data-lbln='dropped-link']").first
    notice.wait_for(state="visible")
    assert "too long to open" in notice.inner_text()
    assert "p1199" not in screen.page.locator("[data-testid='stMain']").inner_html()


def test_a_normal_link_shows_no_dropped_link_notice(navigator):
    screen = navigator("landscape", "?age_years=45")
    notice = screen.page.locator("[data-lbln='dropped-link']").first
    notice.wait_for(state="attached")
    assert not notice.is_visible()


def test_the_bedside_address_opens_the_page_with_its_case_and_no_error_dialog(navigator):
    """`/bedside?...` (the page's name, as people type or keep it) opens the bedside page at "/" with the
    case of the link; Streamlit had drawn its "Page not found" dialog over the page."""
    screen = navigator("landscape", "bedside" + CES_LINK)
    page = screen.page
    page.wait_for_url(re.compile(r"/\?age_years=52"))
    assert "/bedside" not in page.url
    expect(screen.panel("triage").first).to_contain_text("EMERGENCY")
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("dialog").count() == 0
