import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils import timezone
from django.utils.http import http_date

from articles import caching
from articles.models import Status
from articles.views import SearchView


@pytest.fixture(autouse=True)
def _long_page_cache(settings):
    # Longer than any time travel below: what ends a cached page here is the content version.
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 7 * 24 * 3600


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_public_pages_carry_validators_and_a_short_public_lifetime(client, make_article, settings):
    settings.NEWSROOM_CACHE_MAX_AGE = 45
    story = make_article()
    for url in ["/", story.get_absolute_url(), "/feed/", "/sitemap.xml", "/search/?q=x"]:
        response = client.get(url)
        assert response["Cache-Control"] == "public, max-age=45", url
        assert response["ETag"].startswith('"'), url
        assert response["Last-Modified"], url


def test_a_cached_page_costs_no_query(client, make_article, django_assert_num_queries, warm_site):
    make_article(headline="Harbour reopens")
    warm_site()
    first = html(client, "/")
    with django_assert_num_queries(0):
        assert html(client, "/") == first
        # Parameters no page reads share the entry.
        assert html(client, "/?utm_source=newsletter") == first


def test_a_page_is_kept_under_the_parameters_it_reads(
    client, make_article, settings, django_assert_num_queries, warm_site
):
    settings.NEWSROOM_PAGE_SIZE = 2
    for _ in range(3):
        make_article()
    warm_site()
    first = html(client, "/latest/")
    older = re.search(r'rel="next" href="\?(before=[^"]+)"', first).group(1)
    second = html(client, f"/latest/?{older}")
    assert second != first
    with django_assert_num_queries(0):
        # Other parameters, their order and their encoding name the same page.
        assert html(client, f"/latest/?utm_source=x&{older}") == second
        assert html(client, f"/latest/?{older.replace(':', '%3A')}&utm_medium=y") == second


@pytest.fixture
def cache_reads(monkeypatch):
    """What each request asked the shared cache for: (method, keys) per call."""
    reads, inside = [], []

    def spy(name, read):
        def call(keys, *args, **kwargs):
            if not inside:  # local memory's get_many calls get itself: count the outer call
                reads.append((name, list(keys) if name == "get_many" else [keys]))
            inside.append(name)
            try:
                return read(keys, *args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many"):
        monkeypatch.setattr(cache, name, spy(name, getattr(cache, name)))
    return reads


def test_a_cached_page_carries_the_headers_the_page_was_built_with(client, make_article, warm_site):
    story = make_article()
    warm_site()  # else the first page after an emptied cache is not kept
    for url in ["/", story.get_absolute_url(), "/feed/", "/news-sitemap.xml"]:
        built = client.get(url)
        kept = client.get(url)
        assert kept.content == built.content
        # Including those of the middleware a cached page no longer goes through.
        assert kept.headers == built.headers, url
        assert kept["Content-Security-Policy"] and kept["X-Frame-Options"] == "DENY"
    assert client.get("/").context is None  # no view ran, no template was rendered


built = []


@caching.public_page
def _with_a_csrf_token(request):
    built.append("csrf")
    return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')


@caching.public_page
def _with_a_session(request):
    built.append("session")
    request.session["seen"] = True
    return HttpResponse("<p>Welcome back</p>")


@caching.public_page
def _with_a_cookie(request):
    built.append("cookie")
    response = HttpResponse("<p>Hello</p>")
    response.set_cookie("greeted", "yes")
    return response


@caching.public_page
def _the_same_for_everyone(request):
    built.append("plain")
    return HttpResponse("<p>Hello</p>")


urlpatterns = [
    path("csrf/", _with_a_csrf_token),
    path("session/", _with_a_session),
    path("cookie/", _with_a_cookie),
    path("plain/", _the_same_for_everyone),
]


@pytest.mark.urls(__name__)
def test_a_page_with_anything_of_its_readers_own_is_never_kept(client, db):
    caching.keep_time(cache.get(caching.SCHEDULE))  # as a running site has
    built.clear()
    for url in ["/csrf/", "/session/", "/cookie/", "/plain/"]:
        for _ in range(2):
            client.cookies.clear()  # a new reader each time, never signed in
            assert client.get(url).status_code == 200
    # The CSRF cookie and the session's are set on the way out, by middleware after the view.
    assert built == ["csrf", "csrf", "session", "session", "cookie", "cookie", "plain"]


def test_addresses_whose_pages_are_never_kept_are_not_looked_up(client, make_article, monkeypatch):
    make_article(headline="Harbour reopens")
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or get_many(keys))

    def pages_looked_up():
        return [key for keys in reads for key in keys if ":page:" in key]

    # The admin, a page not found (its masthead is kept), search (its cards are kept).
    for url in ["/admin/login/", "/no-such-page/", "/search/?q=storm"]:
        client.get(url)
    assert pages_looked_up() == []
    client.get("/")
    assert len(pages_looked_up()) == 1


def test_with_pages_not_stored_every_request_builds_its_page(
    client, make_article, django_assert_num_queries, settings, warm_site
):
    settings.NEWSROOM_STORE_PAGES = False
    make_article(headline="Harbour reopens")
    warm_site()
    first = html(client, "/")
    # The masthead, which stories go where and their cards still come from the cache.
    with django_assert_num_queries(0):
        assert html(client, "/") == first


def test_conditional_requests_get_304(client, make_article, django_assert_num_queries, warm_site):
    story = make_article()
    warm_site()
    url = story.get_absolute_url()
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    with django_assert_num_queries(0):
        not_modified = client.get(url, headers={"if-none-match": etag})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified["ETag"] == etag
        assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    before = http_date(timezone.now().timestamp() - 3600)
    assert client.get(url, headers={"if-modified-since": before}).status_code == 200


def test_a_change_answers_old_validators_with_the_new_page(client, make_article):
    story = make_article(headline="Old headline")
    url = story.get_absolute_url()
    response = client.get(url)
    etag = response["ETag"]
    story.headline = "New headline"
    story.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and "New headline" in changed.content.decode()
    assert changed["ETag"] != etag


def test_signed_in_users_are_never_cached(editor_client, client, make_article):
    make_article(headline="Harbour reopens")
    response = editor_client.get("/")
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    assert editor_client.get("/").context is not None  # built afresh, not from the cache
    # ...and what they were shown is not handed to anyone else.
    assert client.get("/").context is not None


def test_search_pages_are_not_stored(client, make_article, monkeypatch, warm_site):
    """As many addresses as the queries readers type: each page is built again (from its kept
    matches and cards)."""
    built, build = [], SearchView.get_context_data

    def spy(self, **kwargs):
        built.append(self.request.GET["q"])
        return build(self, **kwargs)

    monkeypatch.setattr(SearchView, "get_context_data", spy)
    make_article(headline="Harbour reopens")
    warm_site()
    for _ in range(2):
        assert "Harbour reopens" in client.get("/search/?q=harbour").content.decode()
    assert built == ["harbour", "harbour"]


def test_pages_for_different_hosts_are_kept_apart(client, make_article, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.com"]
    make_article()
    assert "http://testserver/" in client.get("/feed/").content.decode()
    other = client.get("/feed/", headers={"host": "news.example.com"}).content.decode()
    assert "http://news.example.com/" in other and "testserver" not in other


def test_a_host_not_allowed_is_refused_even_when_the_page_is_kept(client, make_article, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.com"]
    make_article()
    for host in ["testserver", "news.example.com"]:
        assert client.get("/feed/", headers={"host": host}).status_code == 200  # and kept
    # A host dropped from the settings, with its pages still in the shared cache.
    settings.ALLOWED_HOSTS = ["testserver"]
    assert client.get("/feed/", headers={"host": "news.example.com"}).status_code == 400
    assert client.get("/feed/", headers={"host": "evil.example"}).status_code == 400


def test_a_reader_with_a_stale_session_cookie_gets_the_page_built(client, make_article):
    make_article(headline="Harbour reopens")
    kept = html(client, "/")
    client.cookies["sessionid"] = "no-such-session"
    response = client.get("/")
    assert response.context is not None  # built afresh: a session cookie skips the cache
    assert response.content.decode() == kept
    assert response["Cache-Control"].startswith("public")


def test_publishing_a_story_shows_it_at_once(client, make_article, make_section):
    section = make_section()
    story = make_article(headline="Harbour reopens", section=section, status=Status.DRAFT)
    urls = ["/", f"/section/{section.slug}/", "/feed/", "/news-sitemap.xml"]
    for url in urls:
        assert "Harbour reopens" not in html(client, url)
    story.status = Status.PUBLISHED
    story.save()
    for url in urls:
        assert "Harbour reopens" in html(client, url), url


def test_editing_a_story_shows_the_change_at_once(client, make_article):
    story = make_article(headline="Harbour reopens")
    assert "Harbour reopens" in html(client, "/")
    story.headline = "Harbour reopens after strike"
    story.save()
    assert "Harbour reopens after strike" in html(client, "/")


def test_a_correction_shows_at_once(client, make_article, make_correction):
    story = make_article()
    url = story.get_absolute_url()
    assert "Corrections" not in html(client, url)
    make_correction(story, text="The port is in the north.")
    assert "The port is in the north." in html(client, url)


def test_a_withdrawn_story_is_never_served_from_the_cache(client, make_article):
    story = make_article(headline="Harbour reopens", first_published_at=timezone.now())
    url = story.get_absolute_url()
    for page in [url, "/", "/feed/"]:
        assert "Harbour reopens" in html(client, page)
    story.status = Status.WITHDRAWN
    story.save()
    assert client.get(url).status_code == 410
    for page in ["/", "/feed/"]:
        assert "Harbour reopens" not in html(client, page)


def test_a_token_the_cache_evicts_never_brings_an_old_page_back(client, make_article, warm_site):
    # A cache full of pages drops entries (a file or local-memory cache culls a share at random,
    # Redis evicts under its memory limit), tokens among them. A page kept while a name had no
    # token must not be used again when the token that replaced it goes too.
    story = make_article(headline="Harbour reopens", first_published_at=timezone.now())
    warm_site()
    evicted = [f"newsroom:token:{name}" for name in ("stories", f"card:{story.pk}")]
    cache.delete_many(evicted)
    assert "Harbour reopens" in html(client, "/")
    assert client.get("/").context is None  # kept
    story.status = Status.WITHDRAWN
    story.save()
    cache.delete_many(evicted)
    assert "Harbour reopens" not in html(client, "/")


class RecordingCache:
    """The cache, noting each key read and written, in order, as a cache that reads and writes
    one key at a time (files, local memory) would touch them."""

    def __init__(self, cache):
        self.cache, self.log = cache, []

    def get_many(self, keys):
        self.log += [("read", key) for key in keys]
        return self.cache.get_many(keys)

    def set_many(self, values, **kwargs):
        self.log += [("write", key) for key in values]
        return self.cache.set_many(values, **kwargs)

    def set(self, key, value, **kwargs):
        self.log.append(("write", key))
        return self.cache.set(key, value, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_a_change_and_a_page_being_kept_touch_the_tokens_in_opposite_orders(
    client, make_article, warm_site, monkeypatch
):
    # A change landing between a page's reads of its tokens must not leave the page kept with
    # a name's new token beside the old "any change" token: it was built from the data before.
    # So a change writes "any change" before the names, and a page reads its names before it.
    # And "done" after the names: a page holding it holds every name a change finished before.
    make_article()
    warm_site()
    recording = RecordingCache(cache)
    monkeypatch.setattr(caching, "cache", recording)
    names = ["stories", *(f"story:{pk}" for pk in range(20))]
    caching.changed(*names)
    writes = [key for op, key in recording.log if op == "write"]
    assert writes == [
        "newsroom:token:any",
        *(f"newsroom:token:{name}" for name in names),
        "newsroom:token:done",
    ]

    recording.log.clear()
    html(client, "/")
    reads = [key for op, key in recording.log if op == "read"]
    last_any = max(n for n, key in enumerate(reads) if key == "newsroom:token:any")
    last_stories = max(n for n, key in enumerate(reads) if key == "newsroom:token:stories")
    assert last_stories < last_any
    assert client.get("/").context is None  # and the page was kept


def test_a_kept_page_costs_one_read_while_nothing_changes(
    client, make_article, warm_site, monkeypatch
):
    one, other = make_article(headline="Harbour reopens"), make_article()
    warm_site()
    client.get(one.get_absolute_url())
    assert client.get(one.get_absolute_url()).context is None  # kept
    recording = RecordingCache(cache)
    monkeypatch.setattr(caching, "cache", recording)

    def reads_of_a_hit():
        recording.log.clear()
        response = client.get(one.get_absolute_url())
        assert response.context is None and b"Harbour reopens" in response.content
        return [key for op, key in recording.log if op == "read"]

    # The page, when it was last found current, the clock and "done": the keys each process
    # keeps a copy of on Redis (newsroom/near_cache.py).
    reads = reads_of_a_hit()
    assert len(reads) == 4
    hit_keys = (*settings.NEWSROOM_HIT_KEYS, *settings.NEWSROOM_OWN_KEYS)
    assert all(key.startswith(hit_keys) for key in reads)
    # Another story changes: the first hit reads the page's names once, to see it still holds,
    # and notes it current with the new "done" token, read before those names (see changed()),
    # without writing the page again.
    other.dek = "A new standfirst"
    other.save()
    reads = reads_of_a_hit()
    assert reads.index("newsroom:token:done") < reads.index(f"newsroom:token:story:{one.pk}")
    assert not any(op == "write" and ":page:" in key for op, key in recording.log)
    assert len(reads_of_a_hit()) == 4
    # Its own story changes: the page is built again.
    one.headline = "Harbour closes"
    one.save()
    recording.log.clear()
    assert b"Harbour closes" in client.get(one.get_absolute_url()).content


def test_a_request_vouching_late_for_the_page_it_read_never_vouches_for_another(
    client, rf, make_article, warm_site
):
    story = make_article(headline="Harbour reopens")
    warm_site()
    url = story.get_absolute_url()
    client.get(url)
    assert client.get(url).context is None  # kept
    caching.changed(f"story:{story.pk}")  # the kept page no longer shows the story as it is
    # A request that read the page kept before this one, and found it current, notes so late,
    # with the newest "done" token: it names the page it read, not the one kept now.
    done = caching.tokens([caching.DONE])[caching.DONE]
    checked = caching._checked_key(caching._page_key(rf.get(url, HTTP_HOST="testserver")))
    cache.set(checked, ("the page it read", done), timeout=None)
    assert client.get(url).context is not None  # built again


def test_deleting_a_story_removes_it_at_once(client, make_article):
    story = make_article(headline="Harbour reopens")
    assert "Harbour reopens" in html(client, "/")
    story.delete()
    assert "Harbour reopens" not in html(client, "/")


def test_photo_section_and_author_changes_show_at_once(
    client, make_article, make_photo, make_section, make_author
):
    photo, section, author = (
        make_photo(credit="Reuters"),
        make_section(name="World"),
        make_author(name="Ann"),
    )
    make_article(lead_photo=photo, section=section, authors=[author])
    page = html(client, "/")
    assert "Photo: Reuters" in page and ">World<" in page and "By Ann" in page
    photo.credit = "AP"
    photo.save()
    section.name = "Planet"
    section.save()
    author.name = "Ann Lee"
    author.save()
    page = html(client, "/")
    assert "Photo: AP" in page and ">Planet<" in page and "By Ann Lee" in page


def test_a_scheduled_story_appears_at_its_minute_without_any_save(client, make_article):
    publish_at = timezone.now() + timedelta(hours=1)
    make_article(headline="Scheduled story", publish_at=publish_at)
    assert "Scheduled story" not in html(client, "/")
    with time_machine.travel(publish_at - timedelta(seconds=1), tick=False):
        assert "Scheduled story" not in html(client, "/")
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        assert "Scheduled story" in html(client, "/")


def test_an_embargoed_story_appears_when_the_embargo_lifts(client, make_article):
    lifts = timezone.now() + timedelta(minutes=30)
    make_article(headline="Embargoed story", embargo_until=lifts)
    assert "Embargoed story" not in html(client, "/feed/")
    with time_machine.travel(lifts + timedelta(seconds=1), tick=False):
        assert "Embargoed story" in html(client, "/feed/")


def test_a_photo_disappears_when_its_licence_runs_out(client, make_article, make_photo):
    expires = timezone.now() + timedelta(hours=2)
    photo = make_photo(rights_expire_at=expires)
    story = make_article(lead_photo=photo)
    address = photo.rendition(800).url  # an expired photo has none to give
    assert address in html(client, story.get_absolute_url())
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        assert address not in html(client, story.get_absolute_url())


def banner_on(client, url):
    """The alert's words on the page at `url`, or None; and whether it came from the cache."""
    response = client.get(url)
    assert response.status_code == 200, url
    found = re.search(
        r'class="breaking-news".*?<a href="[^"]*">(.*?)</a>', response.content.decode(), re.S
    )
    return (found and found[1]), response.context is None


@pytest.fixture
def kept_site(client, make_article, warm_site):
    """Pages readers might be on: what the banner on each says, and whether it was kept."""
    story = make_article(tags=["ports"])
    warm_site()
    urls = [
        "/",
        "/latest/",
        f"/section/{story.section.slug}/",
        "/tag/ports/",
        story.get_absolute_url(),
    ]

    def pages():
        return {url: banner_on(client, url) for url in urls}

    return pages


def test_a_banner_is_gone_from_every_page_at_its_end_without_any_save(kept_site, make_alert):
    ends = timezone.now() + timedelta(minutes=30)
    make_alert(text="Storm closes every port", ends_at=ends)
    assert set(kept_site().values()) == {("Storm closes every port", False)}
    with time_machine.travel(ends - timedelta(seconds=1), tick=False):
        # Still up, and every page from the cache.
        assert set(kept_site().values()) == {("Storm closes every port", True)}
    with time_machine.travel(ends, tick=False):
        assert set(kept_site().values()) == {(None, False)}
        kept_site()
        assert set(kept_site().values()) == {(None, True)}  # and kept again


def test_a_scheduled_banner_appears_at_its_start_without_any_save(kept_site, make_alert):
    starts = timezone.now() + timedelta(minutes=30)
    make_alert(text="Polls close", starts_at=starts, ends_at=starts + timedelta(hours=1))
    assert set(kept_site().values()) == {(None, False)}
    with time_machine.travel(starts - timedelta(seconds=1), tick=False):
        assert set(kept_site().values()) == {(None, True)}
    with time_machine.travel(starts, tick=False):
        assert set(kept_site().values()) == {("Polls close", False)}


def test_an_alert_added_changed_or_ended_shows_on_every_kept_page_at_once(
    kept_site, make_alert, editor
):
    assert set(kept_site().values()) == {(None, False)}
    alert = make_alert(text="Storm closes ports")
    assert set(kept_site().values()) == {("Storm closes ports", False)}
    alert.text = "Storm closes every port"
    alert.edit(by=editor)
    assert set(kept_site().values()) == {("Storm closes every port", False)}
    alert.end(by=editor)
    assert set(kept_site().values()) == {(None, False)}


def test_the_next_moment_is_looked_up_again_once_an_alert_commits(
    make_alert, warm_site, django_capture_on_commit_callbacks
):
    warm_site()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make_alert()
        # Another request looks at the schedule meanwhile: on another connection it would not
        # see the alert yet, and keep a next moment without its end.
        caching.keep_time(cache.get(caching.SCHEDULE))
        assert cache.get(caching.SCHEDULE)[1] > timezone.now().timestamp()
    assert cache.get(caching.SCHEDULE)[1] <= timezone.now().timestamp()


def test_an_alert_draws_every_page_again_from_its_kept_cards(
    client, make_article, make_alert, warm_site, django_assert_num_queries
):
    for _ in range(3):
        make_article()
    warm_site()
    client.get("/")
    make_alert(text="Storm closes every port")
    caching.keep_time(cache.get(caching.SCHEDULE))  # a saved alert may move the next moment
    # The banner's one: the masthead, which stories go where and every card are kept (the
    # banner is in no card).
    with django_assert_num_queries(1):
        assert banner_on(client, "/") == ("Storm closes every port", False)
    with django_assert_num_queries(0):
        assert banner_on(client, "/") == ("Storm closes every port", True)


def test_a_kept_page_with_a_banner_costs_no_more_reads_of_the_cache(
    client, make_article, make_alert, warm_site, cache_reads
):
    make_article()
    warm_site()
    client.get("/")
    cache_reads.clear()
    client.get("/")
    without = [method for method, _ in cache_reads]
    make_alert(ends_at=timezone.now() + timedelta(seconds=30))
    client.get("/")
    cache_reads.clear()
    assert banner_on(client, "/")[1]
    # The page, the clock and the "done" token, in one read.
    assert [method for method, _ in cache_reads] == without == ["get_many"]


def test_after_a_change_a_process_vouches_for_its_kept_pages_with_one_read(
    client, make_article, warm_site, cache_reads, django_assert_num_queries
):
    stories = [make_article(headline=f"Story {n}") for n in range(5)]
    warm_site()
    kept = {story.get_absolute_url(): html(client, story.get_absolute_url()) for story in stories}
    for url in kept:
        html(client, url)  # each found current once, before the change
    caching.changed("list:author:0")  # a change none of them shows
    cache_reads.clear()
    with django_assert_num_queries(0):
        assert {url: html(client, url) for url in kept} == kept

    def token_reads():
        return [keys for _, keys in cache_reads if keys[0].startswith("newsroom:token:")]

    # Every name the process had met, read again at once: not a read for each page.
    assert len(token_reads()) == 1
    # And a change one of them shows still ends it.
    stories[0].headline = "Story 0, corrected"
    stories[0].save()
    cache_reads.clear()
    pages = {url: html(client, url) for url in kept}
    assert "Story 0, corrected" in pages[stories[0].get_absolute_url()]
    assert [url for url in kept if pages[url] != kept[url]] == [stories[0].get_absolute_url()]


def test_a_kept_value_is_found_current_with_one_read_until_a_name_it_shows_changes(db, cache_reads):
    built = []

    def build():
        built.append("built")
        return f"value {len(built)}", ["story:1", "list:tag:2"]

    assert caching.kept_value("example", build) == "value 1"
    assert caching.kept_value("example", build) == "value 1"
    cache_reads.clear()
    assert caching.kept_value("example", build) == "value 1"
    # The value, the clock and "done" at once: its names' tokens are known to the process.
    assert [method for method, _ in cache_reads] == ["get_many"]
    caching.changed("list:author:3")  # a name it does not show
    assert caching.kept_value("example", build) == "value 1"
    caching.changed("list:tag:2")
    assert caching.kept_value("example", build) == "value 2"


def test_a_page_kept_before_a_commit_is_not_used_once_it_commits(
    make_article, django_capture_on_commit_callbacks
):
    story = make_article()
    names = [f"story:{story.pk}"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        story.headline = "Changed"
        story.save()
        # Another request, reading the data as it was, keeps its page under these tokens...
        during = caching.tokens(names)
    # ...which no longer hold once the change is committed.
    assert caching.tokens(names) != during


def test_a_page_built_while_anything_changed_is_not_kept(
    client, make_article, monkeypatch, django_assert_num_queries, warm_site
):
    story, other = make_article(), make_article()
    warm_site()
    url = story.get_absolute_url()
    draw = caching.kept_pieces

    def changing_meanwhile(*args, **kwargs):
        other.save()  # another editor's change, while this page is built
        return draw(*args, **kwargs)

    monkeypatch.setattr("articles.views.kept_pieces", changing_meanwhile)
    html(client, url)
    monkeypatch.setattr("articles.views.kept_pieces", draw)
    assert client.get(url).context is not None  # built again: the first was not kept
    assert client.get(url).context is None


def test_a_change_another_server_tells_is_seen_at_once(client, make_article, warm_site):
    story = make_article()
    warm_site()
    url = story.get_absolute_url()
    html(client, url)
    assert client.get(url).context is None
    # What another app server sharing the cache writes when it saves the story (changed()).
    for name in ("any", f"story:{story.pk}", "done"):
        cache.set(f"newsroom:token:{name}", "from-another-server", timeout=None)
    assert client.get(url).context is not None


def test_the_first_page_after_a_restart_looks_up_when_readers_next_see_a_change(
    client, make_article, django_assert_num_queries
):
    story = make_article()
    # The page's own five, the masthead's sections, the live and coming alerts (the banner),
    # and the schedule: stories, photo licences and front layouts due (none: it starts now),
    # when the next story goes live, its embargo lifts, a licence runs out or a layout goes
    # live, alerts due and to come, and live coverage starting or ending (one query for both).
    with django_assert_num_queries(5 + 1 + 1 + 7 + 1 + 1):
        client.get("/")
    # Nothing kept before could be vouched for, this page included: built again, from the
    # pieces kept meanwhile.
    with django_assert_num_queries(0):
        client.get("/")
    with django_assert_num_queries(0):
        client.get("/")
    with django_assert_num_queries(6):  # a page not cached yet: only its own queries
        client.get(story.get_absolute_url())


# A page showing a banner is kept by browsers and nginx no later than the banner's next change


def lifetime(response):
    """What a page tells browsers and nginx about how long to keep it."""
    return {name: response.get(name) for name in ["Cache-Control", "Expires", "X-Accel-Expires"]}


def test_browsers_keep_a_page_no_later_than_its_banner_ends(client, make_article, make_alert):
    story = make_article()
    ends = timezone.now() + timedelta(seconds=30)
    make_alert(ends_at=ends)
    for url in ["/", story.get_absolute_url(), "/search/?q=storm", "/no-such-page/"]:
        response = client.get(url)
        if response.status_code == 404:  # no Cache-Control: nginx alone keeps it (5 s)
            assert lifetime(response) == {
                "Cache-Control": None,
                "Expires": None,
                "X-Accel-Expires": None,
            }
            continue
        # An absolute time, not a max-age: nginx hands the page on for a few seconds as it is.
        assert lifetime(response) == {
            "Cache-Control": "public",
            "Expires": http_date(ends.timestamp()),
            "X-Accel-Expires": None,
        }, url


def test_nginx_is_told_when_the_banner_ends_before_its_own_few_seconds_are_up(
    client, make_article, make_alert, settings, warm_site
):
    settings.NEWSROOM_MICROCACHE_SECONDS = 5
    story = make_article()
    ends = timezone.now() + timedelta(seconds=30)
    make_alert(ends_at=ends)
    warm_site()
    for url in ["/", story.get_absolute_url()]:
        client.get(url)  # kept
    # Through the last whole second before the end (nginx counts in seconds, inclusively).
    last = f"@{int(ends.timestamp()) - 1}"
    with time_machine.travel(ends - timedelta(seconds=6), tick=False):
        assert client.get("/").get("X-Accel-Expires") in {None, last}  # its own 5 s may do
    with time_machine.travel(ends - timedelta(seconds=3.5), tick=False):
        for url in ["/", story.get_absolute_url(), "/no-such-page/"]:
            assert client.get(url)["X-Accel-Expires"] == last, url
        assert client.get("/").context is None  # from the page cache, told the same
    # In the second the banner ends in: not kept at all.
    with time_machine.travel(int(ends.timestamp()), tick=False):
        assert client.get("/")["X-Accel-Expires"] == "0"


def test_a_page_kept_before_a_banner_nears_its_end_is_sent_with_the_end_as_its_limit(
    client, make_article, make_alert, warm_site
):
    make_article()
    ends = timezone.now() + timedelta(hours=2)
    make_alert(ends_at=ends)
    warm_site()
    response = client.get("/")
    assert lifetime(response) == {
        "Cache-Control": "public, max-age=60",
        "Expires": None,
        "X-Accel-Expires": None,
    }
    with time_machine.travel(ends - timedelta(seconds=20), tick=False):
        response = client.get("/")
        assert response.context is None  # the page kept two hours ago
        assert lifetime(response) == {
            "Cache-Control": "public",
            "Expires": http_date(ends.timestamp()),
            "X-Accel-Expires": None,
        }
        not_modified = client.get("/", headers={"if-none-match": response["ETag"]})
        assert not_modified.status_code == 304
        assert not_modified["Expires"] == http_date(ends.timestamp())


def test_a_page_is_kept_no_later_than_a_scheduled_banner_starts(client, make_article, make_alert):
    make_article()
    starts = timezone.now() + timedelta(seconds=40)
    make_alert(starts_at=starts, ends_at=starts + timedelta(hours=1))
    assert client.get("/")["Expires"] == http_date(starts.timestamp())


def test_pages_without_a_banner_to_change_and_signed_in_pages_keep_their_lifetime(
    client, login, editor, make_article, make_alert
):
    make_article()
    make_alert(ends_at=timezone.now() + timedelta(seconds=30))
    # Feeds and sitemaps show no banner.
    for url in ["/feed/", "/sitemap.xml"]:
        assert client.get(url)["Cache-Control"] == "public, max-age=60", url
    assert lifetime(login(editor).get("/")) == {
        "Cache-Control": "private, no-store",
        "Expires": None,
        "X-Accel-Expires": None,
    }


def test_head_and_post_requests(client, make_article):
    make_article()
    assert client.head("/").status_code == 200
    assert client.post("/").status_code == 405


def test_admin_pages_are_never_cached(editor_client):
    cache_control = editor_client.get("/admin/articles/article/")["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_work_on_drafts_leaves_readers_cached_pages_alone(make_article, writer, editor):
    draft = make_article(status=Status.DRAFT, publish_at=None, created_by=writer)
    before = caching.tokens([caching.ANY_CHANGE])
    draft.headline = "Still being written"
    draft.save()
    draft.submit(by=writer)
    draft.approve(by=editor)
    assert caching.tokens([caching.ANY_CHANGE]) == before
    draft.publish(by=editor)
    assert caching.tokens([caching.ANY_CHANGE]) != before


def test_pages_go_to_the_server_in_one_piece(client, make_article):
    make_article()
    for url in ["/feed/", "/feed/atom/", "/"]:
        for _ in range(2):  # built, then from the cache
            response = client.get(url)
            assert len(list(response)) == 1, url
