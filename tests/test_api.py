"""/api/ninjs/: the partner API, in IPTC ninjs 3.1 (2.2 on request)."""

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.utils import timezone
from referencing import Registry, Resource

from articles.models import Article, ArticlePhoto, Partner, Photo, Status

SCHEMAS = Path(__file__).resolve().parent / "data" / "ninjs"


def validator(version):
    schema = json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text())
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    return jsonschema.Draft202012Validator(schema, registry=registry)


VALID = {version: validator(version) for version in ("3.1", "2.2")}


def assert_valid(item, version="3.1"):
    errors = [error.message for error in VALID[version].iter_errors(item)]
    assert not errors, errors


@pytest.fixture
def make_partner(db):
    def make(**fields):
        partner = Partner(**{"name": f"Partner {Partner.objects.count()}"} | fields)
        key = partner.issue_key()
        partner.save()
        return partner, key

    return make


@pytest.fixture
def api(client, make_partner):
    """GET as a partner: `api(path, partner_key=..., **headers)`; a partner with no wire
    sources unless given."""
    _partner, default_key = make_partner()

    def get(path, *, key=None, **headers):
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {key or default_key}", **headers)

    return get


def items(response):
    assert response.status_code == 200, response.content
    return json.loads(response.content)["items"]


def test_a_key_is_needed_and_a_wrong_or_revoked_one_refused(client, make_partner, editor):
    partner, key = make_partner()
    assert client.get("/api/ninjs/").status_code == 401
    wrong = client.get("/api/ninjs/", HTTP_AUTHORIZATION="Bearer nr_wrong")
    assert wrong.status_code == 401 and "WWW-Authenticate" in wrong
    assert client.get("/api/ninjs/", HTTP_X_API_KEY=key).status_code == 200
    partner.revoke(by=editor)
    assert client.get("/api/ninjs/", HTTP_X_API_KEY=key).status_code == 401


def test_the_key_is_stored_only_as_a_hash(make_partner):
    partner, key = make_partner()
    stored = Partner.objects.filter(pk=partner.pk).values().get()
    assert key not in json.dumps(stored, default=str)
    assert Partner.objects.with_key(key) == partner


def test_only_published_stories_leave(api, trio, make_article):
    make_article(headline="Embargoed", embargo_until=timezone.now() + timedelta(hours=1))
    headlines = [item["headlines"][0]["value"] for item in items(api("/api/ninjs/"))]
    assert headlines == ["Published story"]
    for hidden in (trio["draft"], trio["scheduled"]):
        assert api(f"/api/ninjs/{hidden.pk}").status_code == 404


def test_an_item_carries_the_story_and_validates(api, make_article, make_author, make_photo):
    story = make_article(
        headline="Storm closes ports",
        body="<p>A storm closed the ports.</p>",
        dateline="SEOUL",
        usage_terms="Not for use in Japan.",
        copyright_holder="Reuters",
        copyright_notice="© 2025 Reuters",
        authors=[make_author(name="Jane Doe"), make_author(name="John Roe")],
        tags=["Weather", "Shipping"],
        lead_photo=make_photo(credit="AP Photo/Kim Lee", creator="Kim Lee", usage_terms="Once"),
    )
    story.corrections.create(text="The port is in Busan.", created_at=timezone.now())
    item = json.loads(api(f"/api/ninjs/{story.pk}").content)
    assert_valid(item)
    assert item["uri"] == f"http://testserver/api/ninjs/{story.pk}"
    assert item["headlines"][0]["value"] == "Storm closes ports"
    assert item["bodies"][0] == {
        "role": "main",
        "contentType": "text/html",
        "value": "<p>A storm closed the ports.</p>",
    }
    assert item["by"] == "Jane Doe and John Roe"
    assert [s["name"] for s in item["subjects"]] == [story.section.name, "Weather", "Shipping"]
    assert item["firstCreated"].endswith("Z") and item["versionCreated"]
    assert (item["copyrightHolder"], item["copyrightNotice"]) == ("Reuters", "© 2025 Reuters")
    assert item["usageTerms"] == "Not for use in Japan."
    assert "The port is in Busan." in item["edNote"]
    [picture] = item["associations"]
    assert picture["type"] == "picture"
    assert {"name": "AP Photo/Kim Lee", "role": "credit"} in picture["infoSources"]
    assert picture["by"] == "Kim Lee" and picture["usageTerms"] == "Once"
    assert picture["renditions"][0]["href"].startswith("http://testserver/media/renditions/")


def test_version_2_2_on_request(api, make_article, make_photo):
    story = make_article(
        embargo_until=timezone.now() - timedelta(minutes=1), lead_photo=make_photo()
    )
    by_query = json.loads(api(f"/api/ninjs/{story.pk}?version=2.2").content)
    profile = 'application/json; profile="http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"'
    by_accept = json.loads(api(f"/api/ninjs/{story.pk}", HTTP_ACCEPT=profile).content)
    assert by_query == by_accept
    assert_valid(by_query, "2.2")
    assert by_query["standard"]["version"] == "2.2"
    assert "versioncreated" in by_query and "versionCreated" not in by_query
    assert api("/api/ninjs/?version=9").status_code == 400


def test_a_withdrawn_story_is_canceled_without_its_text(api, make_article, editor):
    story = make_article(headline="Libel", first_published_at=timezone.now())
    story.withdraw(by=editor, reason="Legal")
    item = json.loads(api(f"/api/ninjs/{story.pk}").content)
    assert_valid(item)
    assert item["pubStatus"] == "canceled"
    assert "Libel" not in json.dumps(item) and "bodies" not in item
    assert items(api("/api/ninjs/")) == []


def test_a_list_since_a_moment_tells_the_partner_what_was_withdrawn_since(
    api, make_article, editor
):
    since = timezone.now() - timedelta(minutes=1)
    before = make_article(
        headline="Old mistake",
        publish_at=since - timedelta(days=1),
        first_published_at=since - timedelta(days=1),
    )
    before.withdraw(by=editor, reason="Legal")
    Article.objects.filter(pk=before.pk).update(withdrawn_at=since - timedelta(hours=1))
    kept = make_article(headline="Still up", publish_at=since + timedelta(seconds=1))
    taken = make_article(
        headline="Libel",
        publish_at=since + timedelta(seconds=2),
        first_published_at=since + timedelta(seconds=2),
    )
    taken.withdraw(by=editor, reason="Legal")
    answer = items(api(f"/api/ninjs/?since={since.isoformat().replace('+', '%2B')}"))
    for item in answer:
        assert_valid(item)
    assert [(item["uri"].rsplit("/", 1)[1], item["pubStatus"]) for item in answer] == [
        (str(taken.pk), "canceled"),
        (str(kept.pk), "usable"),
    ]
    assert "Libel" not in json.dumps(answer) and "Old mistake" not in json.dumps(answer)
    # Without `since`, a list is what may be published: nothing withdrawn.
    assert [item["pubStatus"] for item in items(api("/api/ninjs/"))] == ["usable"]


def test_an_agency_photo_travels_only_where_the_contract_allows(
    api, make_partner, make_article, make_photo
):
    agency = make_photo(licence=Photo.Licence.AGENCY, credit="Reuters")
    staff = make_photo(licence=Photo.Licence.STAFF, credit="Our photographer")
    story = make_article(lead_photo=agency)
    ArticlePhoto.objects.create(article=story, photo=staff, position=0)
    _, allowed = make_partner(may_pass_on_agency_photos=True)

    kept_out = json.loads(api(f"/api/ninjs/{story.pk}").content)
    assert_valid(kept_out)
    assert [a["uri"] for a in kept_out["associations"]] == [f"urn:newsroom:photo:{staff.pk}"]
    passed_on = json.loads(api(f"/api/ninjs/{story.pk}", key=allowed).content)
    assert len(passed_on["associations"]) == 2


def test_an_expired_photo_never_leaves(api, make_article, make_photo):
    photo = make_photo(rights_expire_at=timezone.now() + timedelta(minutes=5))
    story = make_article(lead_photo=photo)
    assert "associations" in json.loads(api(f"/api/ninjs/{story.pk}").content)
    Photo.objects.filter(pk=photo.pk).update(rights_expire_at=timezone.now() - timedelta(1))
    from articles import caching

    caching.changed(f"story:{story.pk}")  # what the schedule does at the minute
    item = json.loads(api(f"/api/ninjs/{story.pk}").content)
    assert "associations" not in item
    assert_valid(item)


def test_wire_stories_go_only_from_the_sources_in_the_contract(api, make_partner, make_article):
    make_article(headline="Ours")
    make_article(headline="From Reuters", wire_feed="reuters", wire_key="a", agency="Reuters")
    make_article(headline="From Vygr", wire_feed="vygr", wire_key="b", syndication_service="Vygr")
    _, reuters_key = make_partner(sources="Reuters\n")

    def headlines(**kwargs):
        return sorted(i["headlines"][0]["value"] for i in items(api("/api/ninjs/", **kwargs)))

    assert headlines() == ["Ours"]
    assert headlines(key=reuters_key) == ["From Reuters", "Ours"]
    story = Article.objects.get(headline="From Vygr")
    assert api(f"/api/ninjs/{story.pk}", key=reuters_key).status_code == 404


def test_each_partner_has_its_own_rate_limit(api, make_partner, make_article):
    _, key = make_partner(requests_per_minute=2)
    assert [api("/api/ninjs/", key=key).status_code for _ in range(3)] == [200, 200, 429]
    refused = api("/api/ninjs/", key=key)
    assert 0 < int(refused["Retry-After"]) <= 61
    assert api("/api/ninjs/").status_code == 200  # another partner's minute is its own


def test_etag_answers_304_until_the_story_changes(api, make_article):
    story = make_article(headline="Before")
    first = api(f"/api/ninjs/{story.pk}")
    assert first["Cache-Control"] == "private, no-cache"
    again = api(f"/api/ninjs/{story.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    story.headline = "After"
    story.save()
    changed = api(f"/api/ninjs/{story.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert json.loads(changed.content)["headlines"][0]["value"] == "After"


def test_an_embargo_lifting_lets_the_story_out(api, make_article):
    story = make_article(embargo_until=timezone.now() + timedelta(minutes=1))
    assert api(f"/api/ninjs/{story.pk}").status_code == 404
    Article.objects.filter(pk=story.pk).update(embargo_until=timezone.now())
    assert api(f"/api/ninjs/{story.pk}").status_code == 200


def test_the_list_pages_by_cursor_and_filters(api, make_article, make_section):
    world = make_section(slug="world")
    for n in range(22):
        # Recent whatever the number of stories made before in the run (make_article's count).
        make_article(section=world, publish_at=timezone.now() - timedelta(minutes=n + 1))
    old = make_article(publish_at=timezone.now() - timedelta(days=3))
    response = json.loads(api("/api/ninjs/").content)
    assert len(response["items"]) == 20
    rest = json.loads(api(response["next"].removeprefix("http://testserver")).content)
    assert len(rest["items"]) == 3 and rest["next"] is None
    seen = [i["uri"] for i in response["items"] + rest["items"]]
    assert len(set(seen)) == 23
    assert len(items(api("/api/ninjs/?section=world&version=3.1"))) == 20
    since = (timezone.now() - timedelta(days=1)).isoformat()
    recent = items(api(f"/api/ninjs/?since={since.replace('+', '%2B')}"))
    assert f"/api/ninjs/{old.pk}" not in json.dumps(recent) and len(recent) == 20
    for bad in ("since=yesterday", "before=nowhere"):
        failure = api(f"/api/ninjs/?{bad}")
        assert failure.status_code == 400 and "error" in json.loads(failure.content)


def test_the_list_costs_the_same_queries_however_many_stories(
    api, make_article, make_author, make_photo, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            story = make_article(
                authors=[make_author(), make_author()], tags=["a", "b"], lead_photo=make_photo()
            )
            ArticlePhoto.objects.create(article=story, photo=make_photo(), position=0)
            story.corrections.create(text="Fixed.", created_at=timezone.now())

    add(2)
    api("/api/ninjs/?version=2.2")  # the schedule looked at once, as by any earlier request
    # Cold: the partner, the page of ids, the stories, bylines, corrections, tags, gallery.
    with django_assert_num_queries(7):
        assert len(items(api("/api/ninjs/"))) == 2
    with django_assert_num_queries(2):  # kept: the partner and the page of ids
        api("/api/ninjs/")
    add(6)
    with django_assert_num_queries(7):
        assert len(items(api("/api/ninjs/"))) == 8


def test_an_item_costs_few_queries(api, make_article, make_photo, django_assert_num_queries):
    story = make_article(lead_photo=make_photo(), tags=["a"])
    api(f"/api/ninjs/{story.pk}?version=2.2")  # the schedule looked at once
    # The partner, whether the story may go, the story, bylines, corrections, tags, gallery.
    with django_assert_num_queries(7):
        api(f"/api/ninjs/{story.pk}")
    with django_assert_num_queries(2):
        api(f"/api/ninjs/{story.pk}")


def test_our_ninjs_imports_back_with_nothing_lost(
    api, make_partner, make_article, make_author, make_photo, tmp_path
):
    story = make_article(
        headline="Storm closes ports",
        standfirst="Ports will reopen.",
        body="<p>A storm closed <strong>the</strong> ports.</p><ul><li>Busan</li></ul>",
        dateline="SEOUL",
        authors=[make_author(name="Jane Doe"), make_author(name="John Roe")],
        copyright_holder="Reuters",
        copyright_notice="© 2025 Reuters. All rights reserved.",
        copyright_year=2025,
        usage_terms="Not for use in Japan.",
        agency="Reuters",
        syndication_service="Vygr Media",
        tags=["Weather"],
        lead_photo=make_photo(credit="AP Photo/Kim Lee", licence=Photo.Licence.STAFF),
    )
    feed = tmp_path / "partner-site"
    feed.mkdir()
    _, key = make_partner(sources="Reuters")
    response = api(f"/api/ninjs/{story.pk}", key=key)
    assert response.status_code == 200
    (feed / "item.json").write_bytes(response.content)
    errors = _Null()
    call_command("import_wire", str(feed), stdout=_Null(), stderr=errors)
    back = Article.objects.get(wire_feed="partner-site")
    for field in [
        "headline",
        "standfirst",
        "body",
        "dateline",
        "copyright_holder",
        "copyright_notice",
        "copyright_year",
        "usage_terms",
        "agency",
        "syndication_service",
    ]:
        assert getattr(back, field) == getattr(story, field), field
    assert back.byline_text == "Jane Doe and John Roe"
    assert back.lead_photo.credit == "AP Photo/Kim Lee"
    assert [tag.name for tag in back.tags.all()] == [story.section.name, "Weather"]
    assert back.status == Status.DRAFT


class _Null:
    text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_managing_editors_create_partners_and_see_the_key_once(client, managing_editor):
    client.force_login(managing_editor)
    response = client.post(
        "/admin/articles/partner/add/",
        {"name": "Aggregator", "sources": "reuters", "requests_per_minute": 30},
        follow=True,
    )
    page = response.content.decode()
    partner = Partner.objects.get()
    key = page.split('<code class="api-key">')[1].split("</code>")[0]
    assert "no-store" in response["Cache-Control"]
    assert key not in str(response.cookies)
    assert Partner.objects.with_key(key) == partner
    again = client.get(f"/admin/articles/partner/{partner.pk}/change/").content.decode()
    assert key not in again and partner.key_hint in again
    client.post(
        "/admin/articles/partner/",
        {"action": "revoke_keys", "_selected_action": [partner.pk]},
    )
    assert Partner.objects.with_key(key) is None


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writers_and_editors_cannot_manage_partners(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/admin/articles/partner/").status_code == 403
    assert client.get("/admin/articles/partner/add/").status_code == 403
