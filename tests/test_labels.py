"""Story labels (articles.models.labels): what readers are told a story is, wherever it shows.

A sponsored story is marked on every surface it appears on, and never listed as news.
"""

import io
import json
import re
from datetime import UTC, datetime
from html import unescape

import feedparser
import pytest
import reversion
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone
from django.utils.html import strip_tags

from articles import revisions
from articles.models import Article, Label, Status, WorkingCopy

CHANGELIST = "/admin/articles/article/"


def link_texts(html, url):
    """The text of every link to `url`: what a reader sees, and a screen reader reads out."""
    found = re.findall(rf'<a href="{re.escape(url)}"[^>]*>(.*?)</a>', html, re.DOTALL)
    return [" ".join(unescape(strip_tags(text)).split()) for text in found]


def heading(html):
    return " ".join(unescape(strip_tags(re.search(r"<h1>(.*?)</h1>", html, re.DOTALL)[1])).split())


def structured_data(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# The rule


def test_a_sponsored_story_needs_its_sponsor(make_article):
    story = make_article(status=Status.DRAFT, publish_at=None)
    story.label = Label.SPONSORED
    with pytest.raises(ValidationError) as refused:
        story.full_clean()
    assert refused.value.message_dict == {
        "sponsor": ["Name the sponsor: readers see “Sponsored by” it on a sponsored story."]
    }
    story.sponsor = "Acme Bank"
    story.full_clean()


def test_only_a_sponsored_story_names_a_sponsor(make_article):
    story = make_article(label=Label.SPONSORED, sponsor="Acme Bank")
    story.label = Label.OPINION  # taking the label off, the sponsor forgotten
    with pytest.raises(ValidationError) as refused:
        story.full_clean()
    assert "choose the Sponsored label, or clear the sponsor" in str(refused.value)


@pytest.mark.parametrize(
    "fields", [{"label": Label.SPONSORED}, {"label": Label.ANALYSIS, "sponsor": "Acme Bank"}]
)
def test_the_database_refuses_what_clean_refuses(make_article, fields):
    # Scripts and imports save without clean(): paid content still never loses its sponsor.
    with pytest.raises(IntegrityError):
        make_article(**fields)


def test_what_readers_read_for_each_label(make_article):
    assert make_article().label_text == ""
    assert make_article(label=Label.OPINION).label_text == "Opinion"
    assert make_article(label=Label.LIVE).label_text == "Live"
    sponsored = make_article(label=Label.SPONSORED, sponsor="Acme Bank")
    assert sponsored.label_text == "Sponsored by Acme Bank"


# Readers


@pytest.fixture
def sponsored(make_article, make_section, make_author):
    """A sponsored story, and a news story beside it (same section and tag: related)."""
    section = make_section(name="Travel", slug="travel")
    news = make_article(
        headline="Rail strike called off", section=section, tags=["trains"], standfirst="Deal"
    )
    paid = make_article(
        headline="Ten journeys by sleeper train",
        standfirst="Where the night train still runs",
        section=section,
        authors=[make_author(slug="brand-studio")],
        tags=["trains"],
        label=Label.SPONSORED,
        sponsor="Acme Rail",
    )
    return news, paid


def test_a_sponsored_story_is_marked_on_every_surface_that_shows_it(client, sponsored):
    news, paid = sponsored
    url = paid.get_absolute_url()
    marked = "Sponsored by Acme Rail: Ten journeys by sleeper train"
    # Not on the home page: a front's fills leave sponsored stories to the editors who place
    # them (tests/test_fronts.py).
    for surface in [
        "/latest/",
        "/section/travel/",
        "/tag/trains/",
        "/author/brand-studio/",
        "/search/?q=sleeper",
        news.get_absolute_url(),  # a related story's brief card
    ]:
        assert link_texts(page(client, surface), url) == [marked], surface
    assert heading(page(client, url)) == marked
    # The news beside it carries no label.
    assert link_texts(page(client, "/section/travel/"), news.get_absolute_url()) == [
        "Rail strike called off"
    ]


@pytest.mark.parametrize(
    "feed", ["/feed/", "/feed/atom/", "/section/travel/feed/", "/tag/trains/feed/atom/"]
)
def test_feeds_mark_a_sponsored_story_in_its_title_and_categories(client, sponsored, feed):
    entries = {entry.link: entry for entry in feedparser.parse(client.get(feed).content).entries}
    news, paid = (entries[f"http://testserver{story.get_absolute_url()}"] for story in sponsored)
    assert paid.title == "Sponsored by Acme Rail: Ten journeys by sleeper train"
    assert [tag.term for tag in paid.tags] == ["Sponsored", "Travel", "trains"]
    assert news.title == "Rail strike called off"
    assert [tag.term for tag in news.tags] == ["Travel", "trains"]


def test_a_label_is_the_first_category_of_a_feed_item(client, make_article, make_section):
    make_article(label=Label.OPINION, section=make_section(name="Culture"), tags=["theatre"])
    [entry] = feedparser.parse(client.get("/feed/").content).entries
    assert [tag.term for tag in entry.tags] == ["Opinion", "Culture", "theatre"]


def test_the_news_sitemap_leaves_sponsored_stories_out(client, sponsored):
    news, paid = sponsored
    news_sitemap = page(client, "/news-sitemap.xml")
    assert news.get_absolute_url() in news_sitemap
    assert paid.get_absolute_url() not in news_sitemap
    month = f"/sitemap-articles-{timezone.localtime(paid.publish_at):%Y-%m}.xml"
    assert paid.get_absolute_url() in page(client, month)  # an ordinary page of the site


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("", "NewsArticle"),
        (Label.OPINION, "OpinionNewsArticle"),
        (Label.ANALYSIS, "AnalysisNewsArticle"),
        (Label.LIVE, "NewsArticle"),  # until live coverage has pages of its own
    ],
)
def test_structured_data_says_what_kind_of_story_it_is(client, make_article, label, kind):
    story = make_article(label=label)
    data = structured_data(page(client, story.get_absolute_url()))
    assert data["@type"] == kind
    assert "sponsor" not in data


def test_structured_data_of_a_sponsored_story_names_its_sponsor(client, sponsored):
    data = structured_data(page(client, sponsored[1].get_absolute_url()))
    assert data["@type"] == "AdvertiserContentArticle"
    assert data["sponsor"] == {"@type": "Organization", "name": "Acme Rail"}


@pytest.mark.parametrize("label", [Label.OPINION, Label.ANALYSIS, Label.LIVE])
def test_each_label_shows_on_the_card_and_the_story(client, make_article, label):
    story = make_article(headline="A headline", label=label)
    expected = f"{label.label}: A headline"
    assert link_texts(page(client, "/"), story.get_absolute_url()) == [expected]
    assert heading(page(client, story.get_absolute_url())) == expected


def test_a_sponsor_s_name_is_text_not_markup(client, make_article):
    story = make_article(label=Label.SPONSORED, sponsor="<b>Acme</b> & Co")
    html = page(client, story.get_absolute_url())
    assert "Sponsored by &lt;b&gt;Acme&lt;/b&gt; &amp; Co" in html


# Query counts: labels are columns of the rows already read


@pytest.fixture
def labelled_site(make_rich_story, make_section, warm_site):
    """Ten rich stories, each with a label, in three sections."""
    sections = [make_section() for _ in range(3)]
    labels = list(Label)
    stories = []
    for n in range(10):
        label = labels[n % len(labels)]
        sponsor = "Acme" if label == Label.SPONSORED else ""
        stories.append(
            make_rich_story(section=sections[n % 3], tags=["shared"], label=label, sponsor=sponsor)
        )
    warm_site()
    return stories


def test_labels_cost_the_front_page_no_query(
    client, labelled_site, settings, django_assert_num_queries
):
    settings.NEWSROOM_STORE_PAGES = False
    with django_assert_num_queries(5):  # as pinned in test_views.py
        first = page(client, "/")
    with django_assert_num_queries(0):
        assert page(client, "/") == first
    # Every story but the two sponsored ones, which the front's fills leave out.
    assert first.count('class="story-label') == 8


def test_labels_cost_the_story_page_no_query(
    client, labelled_site, settings, django_assert_num_queries
):
    settings.NEWSROOM_STORE_PAGES = False
    story = labelled_site[0]
    with django_assert_num_queries(7):  # as pinned in test_views.py
        first = page(client, story.get_absolute_url())
    with django_assert_num_queries(0):
        assert page(client, story.get_absolute_url()) == first
    assert first.count('class="story-label') == 1 + 4  # the story's and its related stories'


# The desk


def change_form(client, story, **changes):
    """What the browser posts back from the story's change page, with `changes`."""
    form = client.get(f"{CHANGELIST}{story.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name not in {"tags"}}
    data = {name: "" if value is None else value for name, value in data.items()}
    for prefix in ("byline_set", "photos"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | {"tags": ""} | changes


def test_a_writer_labels_their_draft(login, writer, make_article):
    draft = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    client = login(writer)
    form = client.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert 'name="label"' in form and 'name="sponsor"' in form
    response = client.post(
        f"{CHANGELIST}{draft.pk}/change/", change_form(client, draft, label=Label.ANALYSIS)
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=draft.pk).label == Label.ANALYSIS


def test_sponsored_without_a_sponsor_is_refused_and_nothing_typed_is_lost(
    login, writer, make_article
):
    draft = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    client = login(writer)
    typed = change_form(
        client, draft, headline="Ten journeys by sleeper train", label=Label.SPONSORED, sponsor=""
    )
    response = client.post(f"{CHANGELIST}{draft.pk}/change/", typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Name the sponsor: readers see “Sponsored by” it on a sponsored story." in html
    assert 'value="Ten journeys by sleeper train"' in html
    assert '<option value="sponsored" selected>' in html
    saved = Article.objects.get(pk=draft.pk)
    assert (saved.headline, saved.label) == (draft.headline, "")

    typed["sponsor"] = "Acme Rail"
    assert client.post(f"{CHANGELIST}{draft.pk}/change/", typed).status_code == 302
    saved = Article.objects.get(pk=draft.pk)
    assert (saved.label, saved.sponsor) == (Label.SPONSORED, "Acme Rail")


def test_a_writer_cannot_relabel_their_live_story(login, writer, make_article):
    # Writers edit drafts only (EditorialWorkflow.can_edit): a live story's label is the desk's.
    story = make_article(label=Label.SPONSORED, sponsor="Acme Rail", created_by=writer)
    client = login(writer)
    assert 'name="label"' not in client.get(f"{CHANGELIST}{story.pk}/change/").content.decode()
    response = client.post(
        f"{CHANGELIST}{story.pk}/change/",
        {"headline": story.headline, "slug": story.slug, "label": "", "sponsor": ""},
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=story.pk).label == Label.SPONSORED


def test_an_editor_takes_the_sponsored_label_off_only_with_its_sponsor(editor_client, make_article):
    story = make_article(label=Label.SPONSORED, sponsor="Acme Rail")
    url = f"{CHANGELIST}{story.pk}/change/"
    refused = editor_client.post(url, change_form(editor_client, story, label=""))
    assert "choose the Sponsored label, or clear the sponsor" in refused.content.decode()
    assert Article.objects.get(pk=story.pk).label == Label.SPONSORED
    taken_off = editor_client.post(url, change_form(editor_client, story, label="", sponsor=""))
    assert taken_off.status_code == 302
    assert Article.objects.get(pk=story.pk).label == ""


def test_the_story_list_shows_and_filters_labels(editor_client, make_article):
    make_article(headline="Plain news")
    make_article(headline="A column", label=Label.OPINION)
    html = editor_client.get(CHANGELIST).content.decode()
    assert '<td class="field-label">Opinion</td>' in html
    filtered = editor_client.get(f"{CHANGELIST}?label__exact=opinion")
    assert [story.headline for story in filtered.context["cl"].result_list] == ["A column"]


def test_the_live_preview_shows_the_label_as_typed(login, writer, make_article):
    draft = make_article(headline="Night trains", status=Status.DRAFT, created_by=writer)
    client = login(writer)
    typed = change_form(client, draft, label=Label.SPONSORED, sponsor="Acme Rail")
    html = client.post(f"{CHANGELIST}{draft.pk}/preview/", typed).content.decode()
    assert heading(html) == "Sponsored by Acme Rail: Night trains"


def test_a_working_copy_keeps_the_label_and_sponsor(login, writer, make_article):
    draft = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    values = {"label": "sponsored", "sponsor": "Acme Rail"}
    response = login(writer).post(
        f"{CHANGELIST}{draft.pk}/working-copy/keep/",
        {"values": json.dumps(values), "loaded_version": draft.version},
    )
    assert response.status_code == 200
    assert WorkingCopy.objects.get(article=draft).values == values


def test_restoring_an_earlier_revision_keeps_the_label(make_article, editor):
    # The label is not the text's: an old revision brings back words, never unmarks paid content.
    story = make_article(headline="First words", publish_at=datetime(2024, 5, 1, tzinfo=UTC))
    with reversion.create_revision():
        story.save()
    old = revisions.versions_of(story).get()
    story.headline, story.label, story.sponsor = "Later words", Label.SPONSORED, "Acme Rail"
    story.save()
    restored = revisions.restore(story, old, by=editor)
    assert (restored.headline, restored.label, restored.sponsor) == (
        "First words",
        Label.SPONSORED,
        "Acme Rail",
    )


def test_demo_readers_see_an_opinion_and_an_analysis(client, db):
    call_command("load_demo", stdout=io.StringIO())
    front = page(client, "/")
    assert ">Opinion<" in front and ">Analysis<" in front
