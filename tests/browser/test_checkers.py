"""The checkers themselves: a check that cannot fail proves nothing."""

import pytest

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body><main><p>Text<div>in the wrong place</div></p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color: #777; background: #888">Too faint to read</p></main></body></html>
"""
VALID_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>
<body><main><p>Nothing wrong here.</p></main></body></html>
"""


def test_axe_reports_each_serious_violation_with_its_nodes(page, assert_accessible):
    page.set_content(BROKEN_PAGE)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "image-alt (critical)" in message and "<img" in message
    assert "color-contrast (serious)" in message and "Too faint to read" in message


def test_nu_html_checker_reports_errors_by_page(assert_valid_html):
    with pytest.raises(AssertionError) as failure:
        assert_valid_html({"fine": VALID_PAGE, "broken": BROKEN_PAGE})
    message = str(failure.value)
    assert "- broken, line 3: No “p” element in scope but a “p” end tag seen." in message
    assert "- broken, line 4: An “img” element must have an “alt” attribute" in message
    assert "fine" not in message
