"""/api/ninjs/: a partner's list of our stories, and one story, in IPTC ninjs.

Items are kept like the reader's pages (`caching.kept_pieces`, under `story:<id>`), so a
change to a story, its photos, bylines, tags or corrections, a lifted embargo or a lapsed
licence sends the new item at once; the list's one query of ids is always asked afresh. A list
`?since=` a moment starts with the stories withdrawn since then, canceled, never with text.
"""

import hashlib
import json
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag, urlencode
from django.views.decorators.http import require_safe

from articles import caching
from articles.api import ninjs
from articles.api.access import partner_of, seconds_until_allowed
from articles.models import Article, ArticlePhoto
from articles.models.article import bylines_prefetch
from articles.paging import Cursor, page_of

PAGE_SIZE = 20
PROFILE = "ninjs-schema_{version}.json"


class BadRequest(Exception):
    pass


def api_view(view):
    """A partner's GET: its key checked, its minute counted, the ninjs version chosen; the
    answer with an ETag, and 304 when the partner has it already."""

    @require_safe
    def wrapped(request, *args, **kwargs):
        partner = partner_of(request)
        if partner is None:
            response = _error(401, "A valid API key is needed: Authorization: Bearer <key>.")
            response["WWW-Authenticate"] = 'Bearer realm="ninjs"'
            return response
        if wait := seconds_until_allowed(partner):
            response = _error(429, f"More than {partner.requests_per_minute} requests a minute.")
            response["Retry-After"] = str(wait)
            return response
        try:
            version = _version(request)
            response = view(request, partner, version, *args, **kwargs)
        except BadRequest as error:
            return _error(400, str(error))
        if response.status_code != 200:
            return response
        response["Content-Type"] = (
            f'application/json; profile="{ninjs.SCHEMA.format(version=version)[:-1]}"'
        )
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        # Each partner's own answer: kept by the partner, checked with us each time.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Authorization", "X-Api-Key", "Accept"])
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapped


@api_view
def story_list(request, partner, version):
    stories = partner.stories(Article.objects.published())
    if since := request.GET.get("since"):
        moment = _moment(since)
        stories = stories.filter(Q(publish_at__gte=moment) | Q(revised_at__gte=moment))
    if section := request.GET.get("section"):
        stories = stories.filter(section__slug=section)
    before = _cursor(request.GET.get("before"))
    page = page_of(stories.only("pk", "publish_at"), before=before, size=PAGE_SIZE)
    items = _items(request, partner, version, [story.pk for story in page.stories])
    following = None
    if page.older is not None:
        query = {key: value for key, value in request.GET.items() if key != "before"}
        following = request.build_absolute_uri(
            f"{reverse('api:list')}?{urlencode(query | {'before': str(page.older)})}"
        )
    if since and before is None:
        # A partner asking what changed must learn what it has to take down too.
        items = [*_taken_down(request, partner, version, moment), *items]
    # Each item is JSON text already, kept as such: joined, not parsed and written again.
    body = f'{{"items": [{",".join(items)}], "next": {json.dumps(following)}}}'
    return HttpResponse(body)


def _taken_down(request, partner, version, since):
    """The partner's stories withdrawn since `since`, as canceled items (no text), newest
    first; on the first page of a `since` list, at most a page of them."""
    withdrawn = partner.stories(Article.objects.withdrawn()).filter(withdrawn_at__gte=since)
    withdrawn = withdrawn.only("pk", "withdrawn_at").order_by("-withdrawn_at", "-pk")
    return [
        json.dumps(ninjs.canceled(story, uri=_uri(request, story.pk), version=version))
        for story in withdrawn[:PAGE_SIZE]
    ]


@api_view
def story_item(request, partner, version, pk):
    if partner.stories(Article.objects.published()).filter(pk=pk).exists():
        return HttpResponse(_items(request, partner, version, [pk])[0])
    withdrawn = partner.stories(Article.objects.withdrawn()).filter(pk=pk).first()
    if withdrawn is not None:
        return JsonResponse(ninjs.canceled(withdrawn, uri=_uri(request, pk), version=version))
    return _error(404, "No story of ours you may receive has this address.")


def _items(request, partner, version, pks):
    """Each story's item as JSON text, kept until the story changes for readers."""
    where = f"{request.scheme}://{request.get_host()}"
    photos = "all" if partner.may_pass_on_agency_photos else "own"
    keys = {f"ninjs:{version}:{photos}:{where}:{pk}": pk for pk in pks}

    def draw(missing):
        wanted = {keys[key]: key for key in missing}
        stories = (
            Article.objects.filter(pk__in=wanted)
            .select_related("section", "lead_photo")
            .prefetch_related(
                bylines_prefetch(),
                "corrections",
                "tags",
                Prefetch("photos", ArticlePhoto.objects.select_related("photo")),
            )
        )
        return {
            wanted[story.pk]: json.dumps(
                ninjs.item(
                    story,
                    uri=_uri(request, story.pk),
                    web_url=request.build_absolute_uri(story.get_absolute_url()),
                    absolute=request.build_absolute_uri,
                    photos_allowed=partner.may_receive,
                    language=settings.LANGUAGE_CODE,
                    version=version,
                ),
                ensure_ascii=False,
            )
            for story in stories
        }

    return caching.kept_pieces([(key, f"story:{pk}") for key, pk in keys.items()], draw)


def _uri(request, pk):
    return request.build_absolute_uri(reverse("api:item", args=[pk]))


def _version(request):
    asked = request.GET.get("version")
    if asked is None:
        accept = request.headers.get("Accept", "")
        asked = next((v for v in ninjs.VERSIONS if PROFILE.format(version=v) in accept), "3.1")
    if asked not in ninjs.VERSIONS:
        raise BadRequest(f"ninjs version {asked!r} is not served: ask for 3.1 or 2.2.")
    return asked


def _moment(text):
    try:
        moment = datetime.fromisoformat(text.replace(" ", "+"))  # an unescaped + in the query
    except ValueError:
        raise BadRequest(f"since={text!r} is not an ISO 8601 date and time.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cursor(text):
    if not text:
        return None
    try:
        return Cursor.parse(text)
    except ValueError:
        raise BadRequest(f"before={text!r} is not a position in the list.") from None


def _error(status, message):
    return JsonResponse({"error": message}, status=status)
