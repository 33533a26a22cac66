import gc
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from articles import caching, imaging
from articles.models import Article, ArticlePhoto, Photo, Rendition
from articles.models.renditions import FORMATS
from articles.photometa import read_metadata
from articles.wire.importer import WireIdentity, save_wire_story
from articles.wire.parser import parse
from tests.conftest import image_bytes, jpeg_bytes

WIRE_SEED = Path(__file__).resolve().parent.parent / "articles/demo/wire/000_5ada4b7a9c93438c.txt"


@pytest.fixture
def encodes(monkeypatch):
    """Every rendition file Pillow encodes, as (format, size): the work, counted."""
    calls = []
    real_encode = imaging.encode

    def counting(image, format, metadata):
        calls.append((format, image.size))
        return real_encode(image, format, metadata)

    monkeypatch.setattr(imaging, "encode", counting)
    return calls


@pytest.fixture
def big_photo(make_photo):
    """A 2000×1500 (4:3) photo: large enough for every width."""

    def make(**overrides):
        photo = make_photo(with_image=False, **overrides)
        photo.image.save("big.jpg", ContentFile(jpeg_bytes(size=(2000, 1500))))
        return photo

    return make


def files_under(settings, folder="renditions"):
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def opened(rendition):
    with rendition.file.open("rb") as file:
        return Image.open(io.BytesIO(file.read()))


def test_saving_a_photo_draws_every_rendition_once(big_photo, encodes, settings):
    photo = big_photo()
    # Own shape and 4:3 are the same box here: 3 shapes × 4 widths × 2 formats.
    assert len(encodes) == 24
    assert sorted({size[0] for _, size in encodes}) == [400, 800, 1200, 1500, 1600]
    assert photo.renditions.count() == 24
    assert len(files_under(settings)) == 24


def test_renditions_are_reused_not_redrawn(big_photo, encodes, client, make_article, settings):
    photo = big_photo()
    story = make_article(lead_photo=photo)
    drawn, files = len(encodes), files_under(settings)
    photo.caption = "A new caption"
    photo.save()
    for _ in range(3):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert client.get("/").status_code == 200
    assert len(encodes) == drawn
    assert files_under(settings) == files


def test_moving_the_focal_point_redraws_only_the_crops_it_changes(big_photo, encodes):
    photo = big_photo()
    encodes.clear()
    # A 4:3 picture: the 16:9 crop trims top and bottom, so moving sideways changes only 1:1.
    photo.focal_x = 0.2
    photo.save()
    assert len(encodes) == 8
    assert {size for _, size in encodes} == {(400, 400), (800, 800), (1200, 1200), (1500, 1500)}
    photo.focal_y = 0.1
    encodes.clear()
    photo.save()
    assert {size for _, size in encodes} == {(400, 225), (800, 450), (1200, 675), (1600, 900)}


def test_pages_follow_a_photo_whose_files_changed(big_photo):
    photo = big_photo(credit="Reuters", creator="")
    before = photo.picture("16:9")
    # The same photo in the same state plans its picture once per worker...
    assert Photo.objects.get(pk=photo.pk).picture("16:9") is before
    # ...and a new credit or crop names new files, which the next page links at once.
    photo.credit = "AP Photo/Jane Doe"
    photo.save()
    after = Photo.objects.get(pk=photo.pk).picture("16:9")
    assert after.jpeg_srcset != before.jpeg_srcset
    photo.focal_y = 0.1
    photo.save()
    assert Photo.objects.get(pk=photo.pk).picture("16:9").jpeg_srcset != after.jpeg_srcset


def test_changing_the_credit_redraws_files_that_carry_the_new_one(big_photo, encodes):
    photo = big_photo(credit="Reuters", creator="")
    encodes.clear()
    photo.credit = "AP Photo/Jane Doe"
    photo.save()
    assert len(encodes) == 24
    with opened(photo.rendition(800)) as rendition:
        assert read_metadata(rendition).credit == "AP Photo/Jane Doe"


def test_stale_renditions_are_deleted_after_the_save_commits(
    make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo()  # 64×48: its own shape, 16:9 and 1:1, in WebP and JPEG
    square = photo.rendition(400, ratio="1:1")
    assert square.file.storage.exists(square.file.name)
    photo.focal_x = 0.1
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    assert not square.file.storage.exists(square.file.name)
    assert not photo.renditions.filter(file=square.file.name).exists()
    assert len(files_under(settings)) == 6


def test_removing_the_file_forgets_its_size_and_renditions(
    make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo()
    photo.image = None
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    photo.refresh_from_db()
    assert (photo.width, photo.height, photo.content_hash) == (None, None, "")
    assert not photo.renditions.exists()
    assert files_under(settings) == []


def test_the_same_file_in_two_photos_shares_renditions(
    make_photo, settings, encodes, django_capture_on_commit_callbacks
):
    content = jpeg_bytes(size=(500, 500), colour=(5, 6, 7))
    first = make_photo(with_image=False)
    first.image.save("a.jpg", ContentFile(content))
    drawn = len(encodes)
    second = make_photo(with_image=False)
    second.image.save("b.jpg", ContentFile(content))
    assert len(encodes) == drawn  # already on storage: recorded, not drawn again
    with django_capture_on_commit_callbacks(execute=True):
        first.image.save("c.jpg", ContentFile(jpeg_bytes(size=(300, 300))))
    assert all(r.file.storage.exists(r.file.name) for r in second.renditions.all())


def test_small_pictures_are_never_enlarged(make_photo):
    photo = make_photo(with_image=False)
    photo.image.save("small.png", ContentFile(image_bytes("PNG", size=(500, 300))))
    assert [r.width for r in Photo.objects.get(pk=photo.pk).picture().jpeg] == [400, 500]
    assert photo.rendition(1200, ratio="1:1").width == 300
    assert photo.rendition(1200, ratio="1:1").height == 300


def test_rendition_for_structured_data_and_feeds(big_photo):
    photo = big_photo()
    rendition = photo.rendition(1200, ratio="16:9")
    assert (rendition.width, rendition.height) == (1200, 675)
    assert rendition.url.startswith("/media/renditions/") and rendition.url.endswith(".jpg")
    assert rendition.mime_type == "image/jpeg"
    assert rendition.file_size == rendition.file.storage.size(rendition.file.name) > 0
    with opened(rendition) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 675))
    assert photo.rendition(1000).width == 800  # the widest that fits
    assert photo.rendition(100).width == 400  # else the narrowest
    assert photo.rendition(800, format="webp").url.endswith(".webp")


def test_rendition_urls_need_no_query(make_photo, django_assert_num_queries):
    photo = Photo.objects.get(pk=make_photo().pk)
    with django_assert_num_queries(0):
        assert photo.rendition(1200, ratio="16:9").url
        assert photo.picture(ratio="1:1").webp_srcset


def test_no_rendition_without_a_file(make_photo):
    photo = make_photo(with_image=False)
    assert photo.rendition(800) is None and photo.picture() is None


def test_unknown_ratio_is_an_error(make_photo):
    with pytest.raises(ValueError, match="Unknown ratio"):
        make_photo().rendition(800, ratio="3:2")


def test_renditions_keep_credit_and_copyright(make_photo):
    photo = make_photo(
        creator="Kim Hong-Ji",
        credit="Reuters",
        copyright_notice="© 2023 Reuters",
        licence_url="https://example.com/licence",
    )
    for rendition in (photo.rendition(800), photo.rendition(400, ratio="1:1", format="webp")):
        with opened(rendition) as image:
            metadata = read_metadata(image)
            assert image.getexif()[0x013B] == "Kim Hong-Ji"
        assert metadata.credit == "Reuters"
        assert metadata.copyright_notice == "© 2023 Reuters"
        assert metadata.licence_url == "https://example.com/licence"


def test_copyright_holder_stands_in_for_a_missing_notice(make_photo):
    photo = make_photo(copyright_notice="", copyright_holder="Jane Doe")
    with opened(photo.rendition(400)) as image:
        assert read_metadata(image).copyright_notice == "© Jane Doe"


# The figure readers get


def test_story_page_serves_responsive_renditions_never_the_original(
    client, make_article, big_photo
):
    photo = big_photo(alt_text="Cranes at dusk")
    story = make_article(lead_photo=photo)
    html = client.get(story.get_absolute_url()).content.decode()
    assert photo.image.url not in html
    figure = html[html.index('<figure class="lead-photo">') :]
    figure = figure[: figure.index("</figure>")]
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)"', figure)
    assert webp and webp.group(1).count(".webp") == 4 and "1600w" in webp.group(1)
    assert "42rem" in webp.group(2)
    img = re.search(r"<img [^>]+>", figure).group(0)
    assert f'src="{photo.rendition(800).url}"' in img
    assert 'width="1600" height="1200"' in img
    assert 'alt="Cranes at dusk"' in img
    assert "loading=" not in img  # the lead is above the fold
    assert img.count(".jpg ") == 4


def test_cards_get_lazy_16_9_crops(client, make_article, big_photo):
    photo = big_photo()
    make_article(lead_photo=photo)
    # The lead card loads at once; the rest lazily.
    make_article(headline="Newer lead story", lead_photo=big_photo(), publish_at=timezone.now())
    html = client.get("/").content.decode()
    img = re.findall(r'<figure class="card-photo">.*?(<img [^>]+>)', html, re.S)[1]
    assert 'loading="lazy"' in img
    assert 'width="1600" height="900"' in img
    assert photo.rendition(400, ratio="16:9").url in img


def test_the_figure_can_ask_for_a_shape(make_photo):
    photo = make_photo()  # 64×48
    html = render_to_string("articles/_figure.html", {"photo": photo, "ratio": "1:1"})
    assert 'width="48" height="48"' in html
    assert render_to_string("articles/_figure.html", {"photo": None}).strip() == ""


def test_the_figure_never_shows_an_expired_photo_however_it_is_passed(make_photo):
    photo = make_photo(rights_expire_at=timezone.now() - timedelta(seconds=1))
    assert render_to_string("articles/_figure.html", {"photo": photo}).strip() == ""


@pytest.mark.parametrize("count", [3, 30])
def test_listing_queries_stay_constant_with_many_photos(
    client, make_article, make_photo, django_assert_num_queries, warm_site, count
):
    for _ in range(count):
        story = make_article(lead_photo=make_photo())
        ArticlePhoto.objects.create(article=story, photo=make_photo())
    warm_site()
    # The page of stories, the cards to draw (with their lead photos), their bylines:
    # renditions cost nothing.
    with django_assert_num_queries(3):
        html = client.get("/latest/").content.decode()
    assert html.count("<picture>") == min(count, 20)


@pytest.mark.parametrize("gallery", [1, 8])
def test_story_page_queries_stay_constant_with_a_bigger_gallery(
    client, make_article, make_photo, django_assert_num_queries, warm_site, gallery
):
    story = make_article(lead_photo=make_photo())
    for position in range(gallery):
        ArticlePhoto.objects.create(article=story, photo=make_photo(), position=position)
    warm_site()
    # story, bylines, tags, corrections, gallery photos, related stories
    with django_assert_num_queries(6):
        html = client.get(story.get_absolute_url()).content.decode()
    assert html.count("<picture>") == 1 + gallery


# Backfilling


def test_make_renditions_backfills_photos_saved_before_renditions(make_photo, settings):
    photo = make_photo(credit="")
    Rendition.objects.all().delete()
    for path in (Path(settings.MEDIA_ROOT) / "renditions").rglob("*.*"):
        path.unlink()
    Photo.objects.filter(pk=photo.pk).update(content_hash="", width=None, height=None)
    before = caching.tokens([caching.SITE])
    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    # Written behind the models' back: kept pages and cards must be drawn again.
    assert caching.tokens([caching.SITE]) != before
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (64, 48) and photo.content_hash
    assert photo.renditions.count() == 6
    assert "1 photos: 6 renditions drawn, 0 failed." in out.getvalue()
    assert photo.credit == ""  # a backfill never fills editors' fields
    call_command("make_renditions", stdout=out)
    assert "0 renditions drawn" in out.getvalue()


# Long pictures: infographics and panoramas


def stored_names(storage=None, folder=""):
    """Every file on storage under `folder`, through the storage API (media may be on S3)."""
    storage = storage or default_storage
    if not storage.exists(folder or "."):
        return []
    folders, files = storage.listdir(folder or ".")
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += stored_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def long_png(size):
    # Greyscale keeps a 1000×20000 picture at 20 MB of pixels, under every limit we set.
    return image_bytes("PNG", size=size, mode="L", colour=128)


@pytest.mark.parametrize(
    "size", [(200, 17000), (1000, 20000), (300, 16384), (20000, 300), (17000, 200)]
)
def test_long_pictures_get_every_rendition_within_each_formats_limits(make_photo, size):
    photo = make_photo(with_image=False)
    photo.image.save("long.png", ContentFile(long_png(size)))
    renditions = list(photo.renditions.all())
    assert {r.format for r in renditions} == {"webp", "jpeg"}
    for rendition in renditions:
        with opened(rendition) as picture:
            assert picture.size == (rendition.width, rendition.height)
        assert max(rendition.width, rendition.height) <= imaging.MAX_SIDE[rendition.format]
    for ratio in (None, "16:9", "4:3", "1:1"):
        assert photo.picture(ratio) is not None


def test_a_long_infographic_keeps_as_much_width_as_each_format_allows(make_photo):
    photo = make_photo(with_image=False)
    photo.image.save("long.png", ContentFile(long_png((1000, 20000))))
    own = {f: [(r.width, r.height) for r in photo.picture().__dict__[f]] for f in FORMATS}
    # WebP stops at 16,383 pixels a side, JPEG at 65,535.
    assert own["webp"] == [(400, 8000), (800, 16000), (819, 16380)]
    assert own["jpeg"] == [(400, 8000), (800, 16000), (1000, 20000)]
    assert [(r.width, r.height) for r in photo.picture("16:9").jpeg][-1] == (1000, 562)


# Files follow the transaction: none is left without its row


@pytest.fixture
def drawing_fails(monkeypatch):
    """Pillow fails on the third rendition: some files are already written by then."""
    real_encode = imaging.encode
    calls = []

    def failing(image, format, metadata):
        calls.append(format)
        if len(calls) == 3:
            raise OSError("simulated encoder failure")
        return real_encode(image, format, metadata)

    monkeypatch.setattr(imaging, "encode", failing)
    return calls


def test_a_drawing_failure_in_a_save_leaves_no_file_and_no_row(db, drawing_fails):
    photo = Photo(credit="Reuters", image=ContentFile(jpeg_bytes(size=(900, 600)), "new.jpg"))
    with pytest.raises(OSError, match="simulated"):
        photo.save()
    assert len(drawing_fails) == 3
    assert not Photo.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_names() == []


def test_a_drawing_failure_when_the_file_is_replaced_keeps_the_old_one(big_photo, request):
    photo = big_photo()
    before = stored_names()
    request.getfixturevalue("drawing_fails")
    photo.image = ContentFile(jpeg_bytes(size=(900, 600), colour=(1, 2, 3)), "new.jpg")
    with pytest.raises(OSError, match="simulated"):
        photo.save()
    assert stored_names() == before
    photo = Photo.objects.get(pk=photo.pk)
    assert photo.renditions.count() == 24
    assert all(photo.image.storage.exists(r.file.name) for r in photo.renditions.all())


def test_files_written_in_a_transaction_that_rolls_back_are_deleted(db):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        Photo.objects.create(image=ContentFile(jpeg_bytes(), "new.jpg"), credit="Reuters")
        assert len(stored_names()) == 7  # the original and its six renditions
        raise Abandoned
    assert not Photo.objects.exists()
    assert stored_names() == []


def test_files_written_in_a_transaction_that_commits_stay(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        photo = Photo.objects.create(image=ContentFile(jpeg_bytes(), "new.jpg"), credit="R")
    # Dropping the commit callbacks (as a rollback would) must no longer delete anything.
    transaction.get_connection().run_on_commit.clear()
    gc.collect()
    assert len(stored_names()) == 7
    assert all(photo.image.storage.exists(r.file.name) for r in photo.renditions.all())


@pytest.mark.django_db(transaction=True)
def test_files_of_a_commit_stay_when_another_commit_callback_fails():
    def failing_callback():
        raise RuntimeError("mail server down")

    with pytest.raises(RuntimeError, match="mail server down") as raised, transaction.atomic():
        transaction.on_commit(failing_callback)
        photo = Photo.objects.create(image=ContentFile(jpeg_bytes(), "new.jpg"), credit="R")
    del raised  # its traceback holds the commit callbacks that never ran
    gc.collect()
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert len(stored_names()) == 7


def test_a_drawing_failure_in_a_wire_import_leaves_no_file_and_no_row(db, drawing_fails):
    story = parse(WIRE_SEED.read_bytes())
    with pytest.raises(OSError, match="simulated"):
        save_wire_story(
            story,
            identity=WireIdentity(feed="reuters", key="harbour.txt"),
            digest="abc",
            image=File(io.BytesIO(jpeg_bytes()), "h.jpg"),
        )
    assert not Article.objects.exists()
    assert not Photo.objects.exists()
    assert stored_names() == []
