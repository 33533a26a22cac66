"""The body's blocks: references read out of a body, and the body drawn for readers (pure)."""

import re

import pytest

from articles import bodies
from articles.richtext import sanitize_body


def test_references_are_read_in_order_once_each():
    html = (
        '<p>a</p><figure data-photo="3"></figure><aside data-story="9"></aside>'
        '<figure data-photo="1"></figure><figure data-photo="3"></figure>'
    )
    assert bodies.photo_ids(html) == [3, 1]
    assert bodies.story_ids(html) == [9]


@pytest.mark.parametrize(
    "value", ["", "0", "-1", "1.5", "1 onerror=alert(1)", "0x10", "99999999999", "٣", " 4"]
)
def test_a_reference_that_is_not_a_plain_id_names_nothing(value):
    html = sanitize_body(f'<figure data-photo="{value}"></figure>')
    assert bodies.photo_ids(html) == []
    drawn = bodies.draw(html, photo=lambda pk: f"PHOTO {pk}", story=lambda pk: "")
    assert "PHOTO" not in drawn
    assert "onerror" not in drawn.replace("data-photo", "")


def test_references_are_drawn_in_place_and_nothing_for_what_readers_may_not_see():
    html = '<p>Before</p><figure data-photo="3"></figure><aside data-story="9"></aside><p>After</p>'
    drawn = bodies.draw(html, photo=lambda pk: f"<b>photo {pk}</b>", story=lambda pk: "")
    assert drawn == "<p>Before</p><b>photo 3</b><p>After</p>"


def test_a_table_scrolls_in_a_named_region_with_its_caption():
    html = sanitize_body(
        '<table data-caption="Results &amp; &lt;turnout&gt;"><tbody><tr><th><p>Party</p></th>'
        "</tr><tr><td><p>Greens</p></td></tr></tbody></table><table><tbody><tr><td>x</td></tr>"
        "</tbody></table>"
    )
    drawn = bodies.draw(html, photo=str, story=str)
    assert drawn.startswith(
        '<div class="table-scroll" role="region" tabindex="0" '
        'aria-label="Results &amp; &lt;turnout&gt;"><table>'
        "<caption>Results &amp; &lt;turnout&gt;</caption><tbody><tr><th><p>Party</p></th>"
    )
    assert 'aria-label="Table 1"><table><tbody>' in drawn
    assert drawn.count("<div") == drawn.count("</div>") == 2
    assert drawn.endswith("</table></div>")


def test_the_editor_s_blocks_survive_the_sanitiser():
    html = (
        '<blockquote class="pull-quote"><p>Said it</p></blockquote>'
        '<table data-caption="Cap"><tbody><tr><th colspan="2"><p>H</p></th></tr></tbody></table>'
        '<figure data-photo="4"></figure><aside data-story="5"></aside>'
    )
    assert sanitize_body(html) == html


# Every block, and what a hostile paste could try in each.
XSS = [
    '<blockquote class="pull-quote" onmouseover="alert(1)"><p>q</p></blockquote>',
    '<blockquote class="pull-quote" style="background:url(javascript:alert(1))">'
    "<p>q</p></blockquote>",
    '<blockquote class="pull-quote"><script>alert(1)</script></blockquote>',
    '<table data-caption="x" onclick="alert(1)"><tbody><tr><td onfocus="alert(1)" style="x">'
    "<p>c</p></td></tr></tbody></table>",
    '<table data-caption="&quot; onfocus=&quot;alert(1)"><tbody><tr><td>c</td></tr></tbody>'
    "</table>",
    '<table data-caption="</caption><script>alert(1)</script>"><tbody><tr><td>c</td></tr>'
    "</tbody></table>",
    '<table><tbody><tr><td><a href="javascript:alert(1)">x</a></td></tr></tbody></table>',
    '<figure data-photo="1 onerror=alert(1)"></figure>',
    '<figure data-photo="1" onerror="alert(1)"><img src="x" onerror="alert(1)"></figure>',
    '<figure data-photo="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></figure>',
    '<figure data-photo="2"><script>alert(1)</script><style>*{}</style></figure>',
    '<aside data-story="3" onclick="alert(1)" style="color:red"></aside>',
    '<aside data-story="3"><a href="javascript:alert(1)">x</a><iframe src="//evil"></iframe>'
    "</aside>",
    '<aside data-story="javascript:alert(1)"></aside>',
    '<figure data-photo="1"><svg><script>alert(1)</script></svg></figure>',
    '<blockquote class="pull-quote"><p><a href="JaVaScRiPt:alert(1)">x</a></p></blockquote>',
]


@pytest.mark.parametrize("html", XSS)
def test_no_block_carries_script_through_to_readers(html):
    drawn = bodies.draw(
        sanitize_body(html),
        photo=lambda pk: f'<figure class="photo">photo {pk}</figure>',
        story=lambda pk: f"<aside>story {pk}</aside>",
    )
    lowered = drawn.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert "<style" not in lowered
    assert " style=" not in lowered
    assert "<iframe" not in lowered
    assert "<svg" not in lowered
    # No attribute starting "on" outside a quoted value.
    assert not re.search(r"<[^>]*\son\w+\s*=", re.sub(r'"[^"]*"', '""', drawn))


def test_only_the_pull_quote_class_is_allowed():
    assert sanitize_body('<blockquote class="pull-quote hidden x"><p>q</p></blockquote>') == (
        '<blockquote class="pull-quote"><p>q</p></blockquote>'
    )
    assert "hidden" not in sanitize_body('<blockquote class="hidden"><p>q</p></blockquote>')
    assert sanitize_body('<p class="pull-quote">q</p>') == "<p>q</p>"
