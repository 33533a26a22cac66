"""The photo desk on the story form: read a dropped picture's credit without saving anything,
add it once the writer confirms, and search the library (articles/admin/photo_desk.py)."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.models import Photo
from tests.conftest import jpeg_bytes, noisy_jpeg, png_claiming, with_iptc, xmp_packet

INSPECT = "/admin/articles/article/photo-desk/inspect/"
ADD = "/admin/articles/article/photo-desk/add/"
LIBRARY = "/admin/articles/article/photo-desk/library/"

REUTERS_IPTC = {
    (2, 80): "Kim Hong-ji",
    (2, 110): "Reuters",
    (2, 115): "Reuters",
    (2, 116): "© 2023 Reuters",
    (2, 120): "Kim Jong Un and Vladimir Putin shake hands in Vladivostok",
}
REUTERS_XMP = xmp_packet(
    attributes={"photoshop:Credit": "Reuters", "photoshop:Source": "Reuters Pictures"},
    seq={"dc:creator": ["Kim Hong-ji"]},
    alt={
        "dc:rights": {"x-default": "© 2023 Reuters. All rights reserved."},
        "dc:description": {"x-default": "Kim Jong Un and Vladimir Putin shake hands"},
        "xmpRights:UsageTerms": {"x-default": "Editorial use only"},
    },
)


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


def picture(content=None, name="IMG_0412.jpg"):
    content = jpeg_bytes() if content is None else content
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def confirmed(content, **fields):
    return {
        "image": picture(content),
        "credit": "Kim Hong-ji/Reuters",
        "creator": "Kim Hong-ji",
        "source": "Reuters",
        "copyright_notice": "© 2023 Reuters",
        "copyright_holder": "Reuters",
        "caption": "Leaders meet in Vladivostok",
        "alt_text": "Two men in suits shake hands in front of flags",
        "usage_terms": "",
        "licence_url": "",
    } | fields


# Reading a dropped picture


@pytest.mark.parametrize(
    ("content", "holder", "source"),
    [
        (with_iptc(jpeg_bytes(), REUTERS_IPTC), "Reuters", "Reuters"),
        (jpeg_bytes(xmp=REUTERS_XMP), "Reuters", "Reuters Pictures"),
    ],
    ids=["iptc", "xmp"],
)
def test_a_dropped_picture_is_read_and_its_credit_written_as_the_newsroom_does(
    writer_client, settings, content, holder, source
):
    response = writer_client.post(INSPECT, {"image": picture(content)})
    assert response.status_code == 200
    answer = response.json()
    fields = answer["fields"]
    assert fields["credit"] == "Kim Hong-ji/Reuters"
    assert fields["creator"] == "Kim Hong-ji"
    assert fields["source"] == source
    assert fields["copyright_notice"].startswith("© 2023 Reuters")
    assert fields["copyright_holder"] == holder
    assert fields["caption"].startswith("Kim Jong Un and Vladimir Putin shake hands")
    # The file describes nothing for the blind: the writer must.
    assert fields["alt_text"] == ""
    assert (answer["width"], answer["height"]) == (64, 48)
    assert answer["preview"].startswith("data:image/jpeg;base64,")
    # Read, not kept: no row, no file.
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_a_picture_without_metadata_leaves_every_field_for_the_writer(writer_client):
    answer = writer_client.post(INSPECT, {"image": picture(jpeg_bytes())}).json()
    assert set(answer["fields"].values()) == {""}
    assert answer["from_file"] == []


@pytest.mark.parametrize(
    ("content", "limits", "words"),
    [
        (b"MZ\x90\x00 not a picture at all", {}, "is not a JPEG, PNG, WebP or GIF picture"),
        (noisy_jpeg(), {"NEWSROOM_MAX_UPLOAD_BYTES": 10_000}, "the limit is 9.8\xa0KB"),
        (png_claiming(12_000, 10_000), {}, "12,000 × 10,000 pixels; the limit is 100 megapixels"),
        (b"", {}, "The submitted file is empty."),
    ],
    ids=["fake", "too-big", "too-many-pixels", "empty"],
)
def test_a_bad_file_is_refused_in_plain_words_and_nothing_is_stored(
    writer_client, settings, content, limits, words
):
    for name, value in limits.items():
        setattr(settings, name, value)
    response = writer_client.post(INSPECT, {"image": picture(content, name="photo.jpg")})
    assert response.status_code == 400
    assert words in " ".join(response.json()["errors"]["image"])
    response = writer_client.post(ADD, confirmed(content))
    assert response.status_code == 400
    assert words in " ".join(response.json()["errors"]["image"])
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_a_picture_already_in_the_library_offers_that_photo(writer_client, make_photo, settings):
    existing = make_photo(caption="Harbour at dawn", credit="Staff")
    files_before = stored_files(settings)
    answer = writer_client.post(INSPECT, {"image": picture(jpeg_bytes())}).json()
    assert answer["duplicate"]["id"] == existing.pk
    assert answer["duplicate"]["label"] == "Harbour at dawn (Staff)"
    assert answer["duplicate"]["usable"] is True
    # Confirmed all the same (another writer added it meanwhile): the library's photo again.
    response = writer_client.post(ADD, confirmed(jpeg_bytes()))
    assert response.status_code == 409
    assert response.json()["duplicate"]["id"] == existing.pk
    assert Photo.objects.count() == 1
    assert stored_files(settings) == files_before


# Adding the confirmed photo


def test_the_confirmed_photo_is_added_with_what_the_writer_typed(writer_client, writer, settings):
    content = with_iptc(jpeg_bytes(), REUTERS_IPTC)
    response = writer_client.post(
        ADD,
        confirmed(
            content,
            credit="Kim Hong-ji/Reuters via Yonhap",
            caption="",  # emptied on purpose: the file's caption does not come back
            alt_text="Two men in suits shake hands",
        ),
    )
    assert response.status_code == 201
    photo = Photo.objects.get()
    assert response.json()["photo"]["id"] == photo.pk
    assert response.json()["photo"]["label"] == str(photo)
    assert photo.credit == "Kim Hong-ji/Reuters via Yonhap"
    assert photo.credit_line == "Photo: Kim Hong-ji/Reuters via Yonhap"
    assert photo.caption == ""
    assert photo.alt_text == "Two men in suits shake hands"
    assert photo.copyright_holder == "Reuters"
    assert photo.content_hash == hashlib.sha256(content).hexdigest()
    assert (photo.width, photo.height) == (64, 48)
    # The original and its renditions, under names of our making.
    assert photo.image.name in stored_files(settings)
    assert photo.renditions.exists()
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (writer, ADDITION, str(photo.pk))


def test_alt_text_is_required_and_nothing_is_kept_without_it(writer_client, settings):
    response = writer_client.post(ADD, confirmed(jpeg_bytes(), alt_text="  "))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "alt_text": ["Describe the picture for people who cannot see it."]
    }
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_a_failure_while_saving_leaves_no_file(writer_client, settings, monkeypatch):
    def broken(photo):
        raise RuntimeError("disk full")

    monkeypatch.setattr("articles.models.photos.make_renditions", broken)
    with pytest.raises(RuntimeError):
        writer_client.post(ADD, confirmed(jpeg_bytes()))
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


# Who may use the desk


@pytest.mark.parametrize("url", [INSPECT, ADD, LIBRARY])
def test_the_desk_is_closed_to_anonymous_visitors(client, url):
    response = client.post(url, {"image": picture()}) if url != LIBRARY else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", [INSPECT, ADD, LIBRARY])
def test_the_desk_is_closed_to_staff_without_photo_permissions(client, make_user, settings, url):
    client.force_login(make_user())
    response = client.post(url, confirmed(jpeg_bytes())) if url != LIBRARY else client.get(url)
    assert response.status_code == 403
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_reading_and_adding_take_a_post(writer_client):
    assert writer_client.get(INSPECT).status_code == 405
    assert writer_client.get(ADD).status_code == 405
    assert writer_client.post(LIBRARY).status_code == 405


# The library


@pytest.fixture
def library(make_photo):
    now = timezone.now()
    photos = {
        "harbour": make_photo(caption="Harbour at dawn", credit="Staff", creator="Ann Lee"),
        "summit": make_photo(
            caption="Leaders shake hands", credit="Kim Hong-ji/Reuters", creator="Kim Hong-ji"
        ),
        "flood": make_photo(caption="Flood waters rise", credit="AP Photo/Jane Doe"),
        "expired": make_photo(
            caption="Old harbour strike",
            credit="AFP",
            rights_expire_at=now - timedelta(days=1),
        ),
    }
    ages = {"harbour": 40, "summit": 10, "flood": 3, "expired": 100}
    for name, days in ages.items():
        Photo.objects.filter(pk=photos[name].pk).update(created_at=now - timedelta(days=days))
    return photos


def ids(response):
    assert response.status_code == 200
    return [entry["id"] for entry in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["flood", "summit", "harbour", "expired"]),
        ({"q": "harbour"}, ["harbour", "expired"]),
        ({"q": "reuters"}, ["summit"]),
        ({"q": "Jane Doe"}, ["flood"]),
        ({"q": "ann lee"}, ["harbour"]),
        ({"q": "nothing like it"}, []),
        ({"added_from": "DAYS_AGO_15"}, ["flood", "summit"]),
        ({"added_from": "DAYS_AGO_50", "added_until": "DAYS_AGO_5"}, ["summit", "harbour"]),
        ({"q": "harbour", "added_until": "DAYS_AGO_50"}, ["expired"]),
    ],
)
def test_the_library_is_searched_by_caption_credit_creator_and_date(
    writer_client, library, query, expected
):
    today = timezone.localdate()
    query = {
        name: (today - timedelta(days=int(value[9:]))).isoformat()
        if value.startswith("DAYS_AGO_")
        else value
        for name, value in query.items()
    }
    assert ids(writer_client.get(LIBRARY, query)) == [library[name].pk for name in expected]


def test_the_library_shows_thumbnails_and_marks_expired_licences(writer_client, library):
    results = {e["id"]: e for e in writer_client.get(LIBRARY).json()["results"]}
    summit = results[library["summit"].pk]
    assert summit["thumbnail"] == library["summit"].rendition(240).url
    assert summit["credit_line"] == "Photo: Kim Hong-ji/Reuters"
    assert summit["usable"] is True
    assert summit["rights_note"] == ""
    expired = results[library["expired"].pk]
    assert expired["usable"] is False
    assert expired["rights_note"].startswith("Licence expired on ")
    assert expired["thumbnail"] == ""


def test_a_bad_date_is_refused(writer_client):
    response = writer_client.get(LIBRARY, {"added_from": "last tuesday"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"added_from": ["Enter a valid date."]}


def test_the_library_is_paged_in_constant_queries(
    writer_client, make_photo, django_assert_num_queries, settings, monkeypatch
):
    monkeypatch.setattr("articles.admin.photo_desk.LIBRARY_PAGE_SIZE", 5)
    for _ in range(3):
        make_photo(creator="Ann Lee")
    # Session, user, permissions (user's and groups'), count, page.
    with django_assert_num_queries(6):
        assert len(ids(writer_client.get(LIBRARY, {"q": "reuters"}))) == 3
    for _ in range(9):
        make_photo(creator="Ann Lee")
    with django_assert_num_queries(6):
        first = writer_client.get(LIBRARY, {"q": "reuters"}).json()
    assert (len(first["results"]), first["count"], first["pages"]) == (5, 12, 3)
    last = writer_client.get(LIBRARY, {"q": "reuters", "page": 3}).json()
    assert (len(last["results"]), last["page"]) == (2, 3)
    assert not {e["id"] for e in first["results"]} & {e["id"] for e in last["results"]}
