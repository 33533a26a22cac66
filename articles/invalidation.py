"""What each saved change shows readers, told to the cache once it commits (articles.caching).

A change no reader can see - a draft, a photo no public story uses, a tag on a draft, an
author nobody public bylines - names nothing. A change to a public story names its page, its
cards when what they show changed, and the lists it is on when it joins, leaves or moves in
them. The names are told at once, and again on commit (until then, readers see the data
as it was, and pages built meanwhile show it).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from articles import caching
from articles.models import (
    Alert,
    Area,
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Correction,
    Embed,
    Front,
    Layout,
    LiveEntry,
    Photo,
    Section,
    Slot,
)
from articles.models.fronts import front_name
from articles.models.status import Status

# What readers see of a story beyond its own page, by the fields that make it.
LISTS_BY = {"section_id", "publish_at", "is_top_story"}  # which lists hold it, in what order
# Every card, brief ones too, says what kind of story it is (label) and who paid for it.
BRIEF_BY = {
    "headline",
    "slug",
    "lead_photo_id",
    "first_published_at",
    "section_id",
    "publish_at",
    "label",
    "sponsor",
    # Cards say Live while the coverage runs.
    "coverage_starts_at",
    "coverage_ends_at",
}
CARD_BY = BRIEF_BY | {"standfirst"}
COVERAGE = {"coverage_starts_at", "coverage_ends_at"}
READ = ["id", "status", "embargo_until", *LISTS_BY, *CARD_BY]


def tell(names):
    if not names:
        return
    caching.changed(*names)
    if transaction.get_connection().in_atomic_block:
        # Until it commits, another request may rebuild what these names show from the data
        # as it was: told again once it has (robust: a cache down must not undo a commit).
        transaction.on_commit(lambda: caching.changed(*names), robust=True)


def story_names(pk, *, section_ids=()):
    """Everything that shows story `pk`: its page, its cards, every list it is on."""
    stories = ContentType.objects.get_for_model(Article)
    tags = TaggedItem.objects.filter(object_id=pk, content_type=stories)
    authors = Byline.objects.filter(article_id=pk).values_list("author_id", flat=True)
    return {
        f"story:{pk}",
        f"card:{pk}",
        f"brief:{pk}",
        "stories",
        *linking_names(pk),
        *(f"list:section:{section_id}" for section_id in section_ids if section_id),
        *(f"list:tag:{tag_id}" for tag_id in tags.values_list("tag_id", flat=True)),
        *(f"list:author:{author}" for author in authors),
    }


@receiver(pre_save, sender=Article)
def _read_story_before(sender, instance, raw=False, **kwargs):
    rows = sender.objects.filter(pk=instance.pk).values(*READ) if instance.pk else []
    instance._as_readers_saw = next(iter(rows), None)


@receiver(post_save, sender=Article)
def _story_saved(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_as_readers_saw", None)
    after = {field: getattr(instance, field) for field in READ}
    was, is_ = before is not None and Article(**before).is_published, instance.is_published
    differs = {field for field in READ if before is None or before[field] != after[field]}
    # It goes live, or its coverage starts or ends, at a moment of its own (a cleared moment
    # only costs the schedule one look at a moment where nothing is due).
    moves = any(after[field] is not None for field in differs & COVERAGE)
    if (after["status"] == Status.PUBLISHED and not is_) or moves:
        caching.schedule_changed()
    if not (was or is_):
        return
    pk, names = instance.pk, {f"story:{instance.pk}", "stories", f"live:{instance.pk}"}
    if was != is_ or differs & LISTS_BY:
        names = story_names(pk, section_ids={after["section_id"], before and before["section_id"]})
    elif differs & BRIEF_BY:
        names |= {f"card:{pk}", f"brief:{pk}", *linking_names(pk)}
    elif differs & CARD_BY:
        names.add(f"card:{pk}")
    tell(names)


@receiver(pre_delete, sender=Article)
def _story_deleted(sender, instance, **kwargs):
    if Article.objects.published().filter(pk=instance.pk).exists():
        tell(story_names(instance.pk, section_ids=[instance.section_id]))


def linking_names(pk):
    """The pages of public stories whose bodies, or live entries, link to story `pk` as a card."""
    bodies = _stories_showing(Article.objects.filter(body_links__story_id=pk))
    return bodies | live_names(LiveEntry.objects.linking_to(pk))


def _if_public(article_id, *names):
    if Article.objects.published().filter(pk=article_id).exists():
        tell({f"story:{article_id}", "stories", *names})


@receiver([post_save, post_delete], sender=Byline)
def _byline_changed(sender, instance, **kwargs):
    article = instance.article_id
    _if_public(article, f"card:{article}", f"list:author:{instance.author_id}")


@receiver([post_save, post_delete], sender=TaggedItem)
def _tagging_changed(sender, instance, **kwargs):
    if instance.content_type_id == ContentType.objects.get_for_model(Article).pk:
        _if_public(instance.object_id, f"list:tag:{instance.tag_id}")


@receiver([post_save, post_delete], sender=ArticlePhoto)
@receiver([post_save, post_delete], sender=Correction)
def _story_part_changed(sender, instance, **kwargs):
    _if_public(instance.article_id)


def _stories_showing(stories, *names, each=("story",)):
    """The names of `stories` that are public, with `names`, or none when none is public."""
    pks = list(stories.published().values_list("pk", flat=True))
    return {*names, "stories", *(f"{kind}:{pk}" for pk in pks for kind in each)} if pks else set()


@receiver([post_save, post_delete], sender=LiveEntry)
def _live_entry_changed(sender, instance, **kwargs):
    """A published entry of a public story: its live page and the updates readers poll for.
    A held entry shows nobody anything, and approving it saves it published."""
    if instance.status == LiveEntry.Status.PUBLISHED:
        _if_public(instance.article_id, f"live:{instance.article_id}")


@receiver([post_save, post_delete], sender=Author)
def _author_changed(sender, instance, **kwargs):
    stories = Article.objects.filter(byline__author=instance)
    tell(_stories_showing(stories, f"list:author:{instance.pk}", each=("story", "card")))


@receiver([post_save, post_delete], sender=Tag)
def _tag_changed(sender, instance, **kwargs):
    stories = Article.objects.filter(tags=instance)
    tell(_stories_showing(stories, f"list:tag:{instance.pk}"))


@receiver([post_save, post_delete], sender=Section)
def _section_changed(sender, instance, **kwargs):
    tell({caching.SITE})  # every page's menu lists the sections


@receiver([post_save, post_delete], sender=Layout)
@receiver([post_save, post_delete], sender=Area)
@receiver([post_save, post_delete], sender=Slot)
def _front_changed(sender, instance, **kwargs):
    """A layout, an area or a chosen story changed: the page of the front it is on."""
    if sender is Layout:
        fronts = Front.objects.filter(pk=instance.front_id)
        caching.schedule_changed()  # it may go live at a moment of its own
    elif sender is Area:
        fronts = Front.objects.filter(layouts=instance.layout_id)
    else:
        fronts = Front.objects.filter(layouts__areas=instance.area_id)
    tell({front_name(section_id) for section_id in fronts.values_list("section_id", flat=True)})


@receiver(post_save, sender=Photo)
def _photo_saved(sender, instance, **kwargs):
    if instance.rights_expire_at is not None:
        caching.schedule_changed()
    tell(photo_names([instance.pk]))


def photo_names(photo_ids):
    """The names of the public stories showing those photos: as lead (pages and cards), or in
    their galleries or bodies, or as the lead of a story their bodies link to (pages); and the
    live pages whose published entries show them inline."""
    if not photo_ids:
        return set()
    leads = Article.objects.filter(lead_photo__in=photo_ids)
    in_page = Article.objects.filter(
        Q(photos__photo__in=photo_ids)
        | Q(body_photos__photo__in=photo_ids)
        # A story linked as a card inside another's body shows its lead photo there.
        | Q(body_links__story__lead_photo__in=photo_ids)
    )
    shown = _stories_showing(leads, each=("story", "card", "brief")) | _stories_showing(in_page)
    return shown | live_names(LiveEntry.objects.showing_photos(photo_ids))


def live_names(entries):
    """The live pages of public stories where readers see any of `entries`."""
    stories = Article.objects.published().filter(pk__in=entries.shown().values("article_id"))
    return {f"live:{pk}" for pk in stories.values_list("pk", flat=True)}


@receiver([post_save, post_delete], sender=Embed)
def _embed_changed(sender, instance, **kwargs):
    """A provider's answer kept again: the pages of the public stories whose bodies show it,
    and the live pages whose entries do."""
    bodies = _stories_showing(Article.objects.filter(body_embeds__embed=instance.pk))
    tell(bodies | live_names(LiveEntry.objects.showing_embed(instance.url)))


@receiver([post_save, post_delete], sender=Alert)
def _alert_changed(sender, instance, **kwargs):
    # Every page, even for an alert still to come: how long a page may be kept depends on it.
    tell({caching.ALERTS})
    caching.schedule_changed()
    if transaction.get_connection().in_atomic_block:
        # Looked at again once the alert is there to be seen: else a request meanwhile would
        # keep a next moment without its start and end.
        transaction.on_commit(caching.schedule_changed, robust=True)


@caching.on_schedule
def came_due(since, now):
    """What readers see differently between `since` and `now` with nothing saved: stories
    scheduled or embargoed until then, photo licences that ran out, alerts that started or
    ended, live coverage that started or ended; and the next such moment."""
    stories = Article.objects.filter(status=Status.PUBLISHED).filter(
        Q(publish_at__gt=since, publish_at__lte=now)
        | Q(embargo_until__gt=since, embargo_until__lte=now)
    )
    names = set()
    for pk, section_id in stories.values_list("pk", "section_id"):
        names |= story_names(pk, section_ids=[section_id])
    lapsed = Photo.objects.filter(rights_expire_at__gt=since, rights_expire_at__lte=now)
    names |= photo_names(list(lapsed.values_list("pk", flat=True)))
    for section_id in Layout.objects.filter(live_from__gt=since, live_from__lte=now).values_list(
        "front__section_id", flat=True
    ):
        names.add(front_name(section_id))
    coverage_due, next_coverage = Article.objects.coverage_came_due(since, now)
    for pk in coverage_due:
        names |= {f"story:{pk}", f"live:{pk}", f"card:{pk}", f"brief:{pk}", "stories"}
    alerts_due, next_alert = Alert.objects.came_due(since, now)
    if alerts_due:
        names.add(caching.ALERTS)
    moments = [
        Article.objects.next_visibility_change(now),
        Layout.objects.filter(live_from__gt=now).aggregate(at=Min("live_from"))["at"],
        Photo.objects.filter(rights_expire_at__gt=now).aggregate(at=Min("rights_expire_at"))["at"],
        next_alert,
        next_coverage,
    ]
    return names, min(filter(None, moments), default=None)
