"""Random and adversarial input: the importer and the rich-text body never let it through."""

import io
import itertools
import re

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Photo
from articles.wire.parser import WireError, WireStory, parse

_names = itertools.count()

wire_lines = st.sampled_from(
    [
        "(Photo: Reuters)",
        "Photo: AP Photo/Jane Doe",
        "© Copyright 2023. All Rights Reserved Powered by Vygr Media.",
        "Copyright 2022 Example News Ltd",
        "By Jane Doe and John Roe",
        "SEOUL, Sept 13 (Reuters) - Talks began.",
        "",
        "\r\n",
        "\x00",
        "\ufeff",
        "<script>alert(1)</script>",
        "A plain sentence of news.",
    ]
)
wire_text = st.lists(st.one_of(wire_lines, st.text(max_size=200)), max_size=40).map("\n".join)


@given(st.binary(max_size=4000))
@settings(max_examples=300, deadline=None)
def test_any_bytes_parse_or_fail_clearly(data):
    try:
        assert isinstance(parse(data), WireStory)
    except WireError as error:
        assert str(error)


@given(wire_text)
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_fails_clearly(text):
    try:
        story = parse(text.encode("utf-8", "surrogatepass"))
    except WireError:
        return
    assert story.paragraphs, "a parsed story always has a body"
    for paragraph in story.paragraphs:
        assert "Powered by" not in paragraph or "©" not in paragraph


def test_thousands_of_credit_lines_and_a_huge_line():
    credits = "\n".join(f"(Photo: Agency {n})" for n in range(5000))
    story = parse(f"Body text.\n{credits}\n{'word ' * 200_000}".encode())
    assert len(story.photo_credits) == 5000
    assert len(story.paragraphs) == 2


@given(
    data=st.one_of(st.binary(max_size=2000), wire_text.map(lambda t: t.encode("utf-8", "replace")))
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_importer_imports_whole_stories_or_nothing(data, tmp_path, db):
    path = tmp_path / f"hostile-{next(_names)}.txt"
    path.write_bytes(data)
    try:
        call_command("import_wire", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    except Exception as error:  # the command's only way to fail is a clear CommandError
        assert type(error).__name__ == "CommandError", error
        assert not Article.objects.filter(wire_key=path.name).exists()
        return
    story = Article.objects.get(wire_key=path.name)
    assert story.body.startswith("<p>")
    assert story.headline
    expected_photos = len(parse(data).photo_credits)
    uses = story.photos.count() + (1 if story.lead_photo_id else 0)
    assert uses == expected_photos
    assert Photo.objects.filter(lead_of=story).count() == (1 if expected_photos else 0)


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="width: expression(alert(1))">ie</div>',
    "<style>body{background:red}</style>",
    '<body onload="alert(1)">',
    '<form action="https://evil.example"><input name="pw"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<details open ontoggle="alert(1)">x</details>',
    '<p onmouseover="alert(1)">hover</p>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://example.com" onclick="alert(1)">ok link</a>',
    "<base href='https://evil.example/'>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<textarea><script>alert(1)</script></textarea>",
]
DANGEROUS = re.compile(
    r"<\s*(script|svg|iframe|object|embed|style|form|input|meta|base|link|math|textarea|img)\b"
    r"|\son\w+\s*=|javascript:|data:text/html|expression\(|\sstyle\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS)
def test_nothing_executable_reaches_a_reader(client, make_article, payload):
    story = make_article(
        body=f"<p>Before</p>{payload}<p>After</p>", headline=payload, standfirst=payload
    )
    html = client.get(story.get_absolute_url()).content.decode()
    body = html.split('class="story-body"', 1)[1].split("</article>", 1)[0]
    assert not DANGEROUS.search(body), body
    assert "Before" in body and "After" in body
    # Headline and standfirst are plain text: shown escaped, never as markup.
    assert payload not in html
