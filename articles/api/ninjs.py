"""A story as an IPTC ninjs item: 3.1 (camelCase) by default, 2.2 (lowercase) on request.

Only properties the official schemas define: every item validates (tests/test_api.py).
Provenance goes in `infoSources` with the roles our ingest reads back (`articles.wire.ninjs`):
"originator" the agency, "distributor" the service, "credit" a picture's credit line.
"""

from datetime import UTC

from django.conf import settings
from django.utils import timezone

from articles.models.renditions import planned
from articles.wire.ninjs import AGENCY, CREDIT, SERVICE

VERSIONS = ("3.1", "2.2")
SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_{version}.json#"
# 2.2 spells every property in lower case, and the embargo differently.
RENAMED_IN_2_2 = {"embargoedUntil": "embargoed"}


def item(story, *, uri, web_url, absolute, photos_allowed, language, version="3.1"):
    """The published `story`; `absolute(path)` makes a full address, `photos_allowed(photo)`
    says whether a photo may travel with it."""
    ninjs = {
        "uri": uri,
        "type": "text",
        "representationType": "full",
        "standard": _standard(version),
        "version": str(story.version),
        "firstCreated": _moment(story.first_publication),
        "versionCreated": _moment(story.modified_at),
        "pubStatus": "usable",
        "language": language,
        "headlines": [{"role": "main", "contentType": "text/plain", "value": story.headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": story.body}],
        "by": story.byline_text,
        "people": [{"name": author.name, "rel": "author"} for author in story.bylines],
        "subjects": _subjects(story, absolute),
        "copyrightHolder": story.copyright_holder or settings.NEWSROOM_COPYRIGHT_HOLDER,
        "copyrightNotice": story.copyright_line,
        "altIds": [{"role": "web", "value": web_url}],
    }
    if story.standfirst:
        ninjs["descriptions"] = [
            {"role": "summary", "contentType": "text/plain", "value": story.standfirst}
        ]
    if story.dateline:
        ninjs["located"] = story.dateline
    if story.usage_terms:
        ninjs["usageTerms"] = story.usage_terms
    if corrections := list(story.corrections.all()):
        ninjs["edNote"] = " ".join(
            f"Correction ({correction.created_at:%Y-%m-%d}): {correction.text}"
            for correction in corrections
        )
    sources = [(story.agency, AGENCY), (story.syndication_service, SERVICE)]
    if info := [{"name": name, "role": role} for name, role in sources if name]:
        ninjs["infoSources"] = info
    photos = [photo for photo in _photos(story) if photos_allowed(photo)]
    if associations := [
        _picture(photo, absolute, name="lead" if photo == story.lead_photo else f"photo{n}")
        for n, photo in enumerate(photos)
    ]:
        ninjs["associations"] = associations
    return _in_version(ninjs, version)


def canceled(story, *, uri, version="3.1"):
    """A story taken down: that it was, and when, never its text."""
    ninjs = {
        "uri": uri,
        "type": "text",
        "standard": _standard(version),
        "pubStatus": "canceled",
        "versionCreated": _moment(story.withdrawn_at or timezone.now()),
    }
    return _in_version(ninjs, version)


def _standard(version):
    return {"name": "ninjs", "version": version, "schema": SCHEMA.format(version=version)}


def _moment(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _subjects(story, absolute):
    subjects = []
    if story.section is not None:
        subjects.append(
            {
                "name": story.section.name,
                "rel": "section",
                "uri": absolute(story.section.get_absolute_url()),
            }
        )
    # Prefetched with the story (`tags`), in the order they were first made.
    tags = sorted(story.tags.all(), key=lambda tag: tag.pk)
    subjects += [{"name": tag.name, "rel": "tag"} for tag in tags]
    return subjects


def _photos(story):
    """The lead photo, then the gallery's (prefetched with the story, `photos__photo`)."""
    if story.lead_photo is not None:
        yield story.lead_photo
    for use in story.photos.all():
        if use.photo_id != story.lead_photo_id:
            yield use.photo


def _picture(photo, absolute, *, name):
    picture = {
        "name": name,
        "uri": f"urn:newsroom:photo:{photo.pk}",
        "type": "picture",
        "renditions": [
            {
                "name": f"{rendition.width}w",
                "href": absolute(rendition.url),
                "contentType": rendition.mime_type,
                "width": rendition.width,
                "height": rendition.height,
            }
            for rendition in planned(photo, format="jpeg")
        ],
    }
    descriptions = [("caption", photo.caption), ("alt", photo.alt_text)]
    if described := [{"role": role, "value": text} for role, text in descriptions if text]:
        picture["descriptions"] = described
    if photo.creator:
        picture["by"] = photo.creator
    sources = [(photo.credit, CREDIT), (photo.source, AGENCY)]
    if info := [{"name": name, "role": role} for name, role in sources if name]:
        picture["infoSources"] = info
    for field, name in [
        ("copyright_holder", "copyrightHolder"),
        ("copyright_notice", "copyrightNotice"),
        ("usage_terms", "usageTerms"),
    ]:
        if value := getattr(photo, field):
            picture[name] = value
    if photo.licence_url:
        picture["rightsInfo"] = {"linkedRights": photo.licence_url}
    if photo.rights_expire_at:
        picture["expires"] = _moment(photo.rights_expire_at)
    return picture


def _in_version(ninjs, version):
    return ninjs if version == "3.1" else _lowercase(ninjs)


def _lowercase(value):
    if isinstance(value, dict):
        return {RENAMED_IN_2_2.get(k, k).lower(): _lowercase(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lowercase(entry) for entry in value]
    return value
