"""articles.wire.nitf: IPTC NITF 3.x files read into a WireStory, unsafe XML refused."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.wire.nitf import parse
from articles.wire.parser import WireError

DATA = Path(__file__).parent / "data" / "nitf"


def test_an_nitf_story_keeps_everything_the_desk_needs():
    story = parse((DATA / "storm.xml").read_bytes())
    assert story.headline == "Storm closes ports along the coast"
    assert story.bylines == ("Jane Doe", "John Roe")
    assert story.dateline == "SEOUL"
    assert story.standfirst == "Ports will reopen on Friday."
    assert story.body.startswith("<p>A storm closed <em>ports</em> along the coast.</p>")
    assert "media" not in story.body
    assert story.subjects == ("Weather", "Shipping")
    assert story.embargo_until == datetime(2099, 1, 1, 6, tzinfo=UTC)
    assert (story.copyright.holder, story.copyright.year) == ("Reuters", 2025)
    assert story.usage_terms == "Not for use in Japan."
    assert (story.agency, story.service) == ("Reuters", "Vygr Media")
    assert story.photo_credits == ("Reuters/Kim Lee",)
    assert story.key == "RTR-2025-0913-001"


@pytest.mark.parametrize("name", ["bomb.xml", "external.xml"])
def test_unsafe_xml_is_refused_with_the_reason(name):
    with pytest.raises(WireError, match="unsafe XML refused: it declares entities"):
        parse((DATA / name).read_bytes())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not well-formed"),
        (b"<nitf><head>", "not well-formed"),
        (b"<rss/>", "not NITF"),
        (b"<nitf><body><body.content><p>x</p></body.content></body></nitf>", "no doc-id"),
        (
            b'<nitf><head><docdata><doc-id id-string="a"/></docdata></head>'
            b"<body><body.content/></body></nitf>",
            "no body text",
        ),
        (
            b'<nitf><head><docdata><doc-id id-string="a"/><date.release norm="soon"/>'
            b"</docdata><title>T</title></head><body><body.content><p>x</p></body.content>"
            b"</body></nitf>",
            "date.release",
        ),
    ],
)
def test_what_is_not_an_nitf_story_is_refused_with_the_reason(data, reason):
    with pytest.raises(WireError, match=reason):
        parse(data)


@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda text: f"<nitf>{text}</nitf>"))
@settings(max_examples=300, deadline=None)
def test_any_input_parses_or_is_refused_with_a_reason(data):
    try:
        parse(data.encode() if isinstance(data, str) else data)
    except WireError as error:
        assert str(error)
