"""articles.wire.ninjs: IPTC ninjs 3.x and 2.x files read into a WireStory."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.wire.ninjs import parse
from articles.wire.parser import WireError

DATA = Path(__file__).parent / "data" / "ninjs"


def test_a_ninjs_3_item_keeps_everything_the_desk_needs():
    story = parse((DATA / "storm-3.1.json").read_bytes())
    assert story.headline == "Storm closes ports along the coast"
    assert story.bylines == ("Jane Doe", "John Roe")
    assert story.dateline == "SEOUL"
    assert story.standfirst == "Ports will reopen on Friday."
    assert "<b>ports</b>" in story.body
    assert story.subjects == ("Weather", "Shipping")
    assert story.embargo_until == datetime(2099, 1, 1, 6, tzinfo=UTC)
    assert story.copyright.notice == "© 2025 Reuters. All rights reserved."
    assert (story.copyright.holder, story.copyright.year) == ("Reuters", 2025)
    assert story.usage_terms == "Not for use in Japan."
    assert (story.agency, story.service) == ("Reuters", "Vygr Media")
    assert story.photo_credits == ("Reuters/Kim Lee",)
    assert story.key == "urn:newsml:example.com:20250913:storm"


def test_a_ninjs_2_item_with_a_plain_text_body():
    story = parse((DATA / "storm-2.2.json").read_bytes())
    assert story.headline == "Rail strike halts trains"
    assert story.paragraphs == (
        "Trains stopped on Monday.",
        "Unions said the strike would last a week.",
    )
    assert story.embargo_until == datetime(2099, 1, 1, 6, tzinfo=UTC)  # no zone: UTC
    assert story.usage_terms == "Editorial use only."
    assert story.copyright.holder == "AFP"
    assert story.photo_credits == ("AFP",)


def test_the_iptc_example_reads():
    story = parse((DATA / "iptc_complex_text_article.json").read_bytes())
    assert story.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert story.bylines == ("Paulo Santalucia", "Frances d'Emilio")
    assert story.body.startswith("<p>GROSSETO, Italy (AP)")


def test_an_agency_byline_is_left_for_the_importer_to_mark():
    item = {"uri": "urn:x", "by": "Reuters", "bodies": [{"value": "Text."}]}
    item["infoSources"] = [{"name": "Reuters", "role": "originator"}]
    story = parse(json.dumps(item))
    assert story.bylines == ()
    assert story.credited_to == "Reuters"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "not an object"),
        (b'{"headlines": []}', "no uri"),
        (b'{"uri": "urn:x"}', "no body text"),
        (b'{"uri": "urn:x", "pubStatus": "canceled", "bodies": [{"value": "x"}]}', "cancelled"),
        (b'{"uri": "urn:x", "headlines": "Storm", "bodies": [{"value": "x"}]}', "list of objects"),
        (b'{"uri": 5}', "uri should be text"),
        (b'{"uri": "urn:x", "embargoedUntil": "soon", "bodies": [{"value": "x"}]}', "date"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_what_is_not_a_ninjs_story_is_refused_with_the_reason(data, reason):
    with pytest.raises(WireError, match=reason):
        parse(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)
ninjs_like = st.fixed_dictionaries(
    {},
    optional={
        key: json_values
        for key in ["uri", "headlines", "bodies", "by", "subjects", "associations", "infoSources"]
    },
)


@given(st.binary(max_size=2000) | ninjs_like.map(lambda item: json.dumps(item).encode()))
@settings(max_examples=300, deadline=None)
def test_any_input_parses_or_is_refused_with_a_reason(data):
    try:
        parse(data)
    except WireError as error:
        assert str(error)


@pytest.mark.parametrize(
    ("escape", "code"), [("\\u0000", "U+0000"), ("\\ud800", "U+D800"), ("\\udfff", "U+DFFF")]
)
@pytest.mark.parametrize("name", ["headline", "by", "located", "uri"])
def test_what_json_escapes_can_spell_but_no_database_stores_is_refused(escape, code, name):
    item = {"uri": "urn:x", "headline": "Storm", "bodies": [{"value": "Text."}]}
    text = json.dumps(item | {name: "A"}).replace('"A"', f'"A{escape}B"')
    with pytest.raises(WireError, match=re.escape(f"{name} holds {code}, which is not text")):
        parse(text.encode())


def test_other_control_characters_are_dropped_as_from_plain_text():
    item = {"uri": "urn:x", "headline": "Storm\x07 closes\x9b ports", "bodies": [{"value": "T."}]}
    story = parse(json.dumps(item).encode())  # sent as JSON's \u escapes
    assert story.headline == "Storm closes ports"
