import json
from types import SimpleNamespace

from articles import jsonld


def absolute(path):
    return f"https://news.example.com{path}"


def test_script_escapes_what_could_end_or_change_the_element():
    data = {"headline": "</script><!-- a & b -->"}
    script = jsonld.script(data)
    assert script.startswith('<script type="application/ld+json">')
    body = script.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not set("<>&") & set(body)
    assert json.loads(body) == data


def test_script_keeps_other_text_readable():
    body = str(jsonld.script({"headline": "Kim’s “summit” in Vladivostok — Ü"}))
    assert "Kim’s “summit” in Vladivostok — Ü" in body


def photo(width="", height="", **fields):
    empty = dict.fromkeys(
        ["caption", "credit", "copyright_notice", "licence_url", "creator", "ai_label"], ""
    )
    # Structured data carries the shared rendition, never the original upload.
    shared = SimpleNamespace(url="/media/renditions/a-1200.jpg", width=width, height=height)
    return SimpleNamespace(syndication_rendition=shared, copyright_holder="", **(empty | fields))


def test_an_image_says_only_what_is_known():
    assert jsonld.image_object(photo(), absolute=absolute) == {
        "@type": "ImageObject",
        "contentUrl": "https://news.example.com/media/renditions/a-1200.jpg",
        "url": "https://news.example.com/media/renditions/a-1200.jpg",
    }


def test_an_image_with_full_rights_metadata():
    data = jsonld.image_object(
        photo(credit="AP", creator="Jane Doe", copyright_notice="© AP", width=800, height=600),
        absolute=absolute,
    )
    assert data["creditText"] == "AP"
    assert data["creator"] == {"@type": "Person", "name": "Jane Doe"}
    assert data["copyrightNotice"] == "© AP"
    assert (data["width"], data["height"]) == (800, 600)
    assert "license" not in data


def test_a_person_links_to_their_page():
    author = SimpleNamespace(name="Ann Lee", get_absolute_url=lambda: "/author/ann-lee/")
    assert jsonld.person(author, absolute=absolute) == {
        "@type": "Person",
        "name": "Ann Lee",
        "url": "https://news.example.com/author/ann-lee/",
    }


def test_the_publisher_is_the_site_with_its_logo(settings):
    settings.NEWSROOM_SITE_NAME = "The Daily Harbour"
    settings.NEWSROOM_LOGO = "harbour/mark.svg"
    logo = "https://news.example.com/static/harbour/mark.svg"
    assert jsonld.organization(absolute=absolute) == {
        "@type": "Organization",
        "name": "The Daily Harbour",
        "url": "https://news.example.com/",
        "logo": {"@type": "ImageObject", "url": logo, "contentUrl": logo},
    }
