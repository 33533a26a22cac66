import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, Author, Photo, Section
from articles.validators import no_line_breaks, site_or_https_address

BREAKS = ["\n", "\r", "\r\n", "\u2028"]


@pytest.mark.parametrize("text", [f"Two{brk}lines" for brk in BREAKS] + ["Ends with one\n"])
def test_a_line_break_is_refused(text):
    with pytest.raises(ValidationError, match="Keep this to one line"):
        no_line_breaks(text)


def test_one_line_passes():
    no_line_breaks("Storm hits the coast – 3,000 without power “for days”")


@pytest.mark.parametrize("brk", ["\n", "\r"])
@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Article, ["headline", "dateline", "source", "copyright_notice", "copyright_holder"]),
        (
            Photo,
            ["alt_text", "credit", "creator", "copyright_notice", "copyright_holder", "source"],
        ),
        (Author, ["name"]),
        (Section, ["name"]),
    ],
)
def test_single_line_fields_refuse_line_breaks_in_full_clean(db, model, fields, brk):
    instance = model(**{field: f"Two{brk}lines" for field in fields})
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    for field in fields:
        assert "Keep this to one line: remove the line break." in refused.value.message_dict[field]


@pytest.mark.parametrize("brk", ["\n", "\r"])
def test_the_story_form_refuses_a_headline_with_a_line_break(editor_client, make_section, brk):
    response = editor_client.post(
        "/admin/articles/article/add/",
        {
            "headline": f"Two{brk}lines",
            "slug": "two-lines",
            "dateline": f"PARIS{brk}LONDON",
            "standfirst": "Its standfirst",
            "body": "<p>Hello</p>",
            "section": make_section().pk,
            "byline_set-TOTAL_FORMS": "0",
            "byline_set-INITIAL_FORMS": "0",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["headline"] == ["Keep this to one line: remove the line break."]
    assert errors["dateline"] == ["Keep this to one line: remove the line break."]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "/2026/12/07/storm-closes-ports/",
        "/live/storm/?from=banner#latest",
        "https://www.metoffice.gov.uk/weather/warnings",
    ],
)
def test_a_link_on_this_site_or_a_secure_one_elsewhere_passes(address):
    site_or_https_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "http://example.com/",  # not secure
        "javascript:alert(1)",
        "//evil.example/",  # another site, dressed as ours
        "/\\evil.example/",  # which browsers read as //evil.example/
        "storm-closes-ports/",  # relative to whichever page the reader is on
        "/storm closes ports/",
        "https://",
        "mailto:desk@example.com",
    ],
)
def test_any_other_link_is_refused(address):
    with pytest.raises(ValidationError, match="starting with https://"):
        site_or_https_address(address)
