"""Content Credentials on the way out: every rendition we draw carries our signed manifest,
with the original (and its own manifest) as its ingredient."""

import io
import json

import c2pa
import pytest
from django.core.files.base import ContentFile

from articles.credentials.reading import TRUSTED, read_credentials
from articles.credentials.signing import Original, SigningError, SigningKey, sign
from articles.models import Photo
from articles.models.renditions import every_planned
from articles.photometa import PhotoMetadata
from tests.c2pa_files import Agency
from tests.conftest import jpeg_bytes
from tests.test_admin_photo import stored_files, upload


@pytest.fixture(scope="module")
def reuters():
    return Agency("Reuters")


@pytest.fixture(scope="module")
def newsroom():
    return Agency("The Newsroom")


@pytest.fixture
def signing(db, settings, tmp_path, newsroom):
    """Sign renditions with the newsroom's key, as NEWSROOM_C2PA_KEY and _CERT name it."""
    (tmp_path / "key.pem").write_bytes(newsroom.signing.key_pem)
    (tmp_path / "cert.pem").write_bytes(newsroom.signing.certificate_pem)
    settings.NEWSROOM_C2PA_KEY = str(tmp_path / "key.pem")
    settings.NEWSROOM_C2PA_CERT = str(tmp_path / "cert.pem")


def photo_of(content, **fields):
    photo = Photo(alt_text="A picture", credit="Reuters", **fields)
    photo.image.save("picture.jpg", ContentFile(content), save=False)
    photo.save()
    return photo


def files(photo):
    """(ratio-less name, bytes, MIME type) of every rendition the photo has."""
    for rendition in photo.renditions.order_by("file"):
        with rendition.file.open("rb") as stored:
            yield rendition, stored.read()


def store_of(content, mime_type, *anchors):
    """The manifest store as the library's own Reader reports it."""
    trust = b"".join(agency.authority.certificate_pem for agency in anchors).decode()
    settings = {"verify": {"verify_trust": True, "ocsp_fetch": False}}
    settings["trust"] = {"trust_anchors": trust}
    with (
        c2pa.Context.from_dict(settings) as context,
        c2pa.Reader(mime_type, io.BytesIO(content), None, context) as reader,
    ):
        return json.loads(reader.json())


def test_every_rendition_is_signed_by_us_and_names_the_original(
    signing, newsroom, reuters, settings, tmp_path
):
    (tmp_path / "anchors.pem").write_bytes(reuters.authority.certificate_pem)
    settings.NEWSROOM_C2PA_TRUST_ANCHORS = str(tmp_path / "anchors.pem")
    photo = photo_of(reuters.sign(jpeg_bytes(size=(1000, 500))), copyright_notice="© Reuters")
    renditions = list(files(photo))
    assert len(renditions) == len(every_planned(photo)) > 4
    for rendition, content in renditions:
        store = store_of(content, rendition.mime_type, newsroom, reuters)
        assert store["validation_state"] == "Trusted", rendition.file.name
        active = store["manifests"][store["active_manifest"]]
        assert active["signature_info"]["issuer"] == "The Newsroom"
        [ingredient] = active["ingredients"]
        assert ingredient["relationship"] == "parentOf"
        assert ingredient["title"] == photo.image.name.rsplit("/", 1)[-1]
        # The agency's own manifest travels inside ours, verified when we took it in.
        original = store["manifests"][ingredient["active_manifest"]]
        assert original["signature_info"]["issuer"] == "Reuters"
        assert not ingredient["validation_results"]["activeManifest"].get("failure")
        [work] = [a["data"] for a in active["assertions"] if "CreativeWork" in a["label"]]
        assert work["creditText"] == "Reuters" and work["copyrightNotice"] == "© Reuters"


def test_our_actions_say_what_we_did(signing, newsroom):
    photo = photo_of(jpeg_bytes(size=(1000, 500)))
    by_shape = {}
    for rendition, content in files(photo):
        credentials = read_credentials(
            io.BytesIO(content),
            rendition.mime_type,
            trust_anchors=newsroom.authority.certificate_pem.decode(),
        )
        assert credentials.state == TRUSTED
        by_shape[rendition.width * 1000 // rendition.height] = credentials.actions
    own_shape, square = by_shape[2000], by_shape[1000]
    assert own_shape == ("c2pa.opened", "c2pa.resized", "c2pa.transcoded")
    assert square == ("c2pa.opened", "c2pa.cropped", "c2pa.resized", "c2pa.transcoded")


def test_the_chain_survives_a_licence_change_and_a_recrop(signing, newsroom, reuters):
    photo = photo_of(reuters.sign(jpeg_bytes(size=(1000, 500))))
    before = set(photo.renditions.values_list("file", flat=True))
    photo.licence, photo.licence_url = Photo.Licence.CREATIVE_COMMONS, "https://cc.example/by/4"
    photo.copyright_notice = "© 2025 Reuters, CC BY"
    photo.save()
    photo.focal_x = 0.1
    photo.save()
    after = dict((r.file.name, (r, content)) for r, content in files(photo))
    assert not before & after.keys()  # every file drawn again, none reused
    for rendition, content in after.values():
        credentials = read_credentials(
            io.BytesIO(content),
            rendition.mime_type,
            trust_anchors=(
                newsroom.authority.certificate_pem + reuters.authority.certificate_pem
            ).decode(),
        )
        assert credentials.state == TRUSTED
        assert credentials.ingredient_signers == ("Reuters",)
        assert credentials.copyright_notice == "© 2025 Reuters, CC BY"


def test_without_a_key_renditions_are_drawn_unsigned(db):
    photo = photo_of(jpeg_bytes(size=(500, 300)))
    for rendition, content in files(photo):
        assert read_credentials(io.BytesIO(content), rendition.mime_type) is None


def test_configuring_a_key_gives_signed_files_new_names(db, settings, tmp_path, newsroom):
    photo = photo_of(jpeg_bytes(size=(500, 300)))
    unsigned = photo.rendition(400).file.name
    (tmp_path / "key.pem").write_bytes(newsroom.signing.key_pem)
    (tmp_path / "cert.pem").write_bytes(newsroom.signing.certificate_pem)
    settings.NEWSROOM_C2PA_KEY = str(tmp_path / "key.pem")
    settings.NEWSROOM_C2PA_CERT = str(tmp_path / "cert.pem")
    assert photo.rendition(400).file.name != unsigned
    assert photo.picture().jpeg[0].file.name != unsigned


def test_a_key_that_cannot_sign_is_refused_with_a_clear_error(newsroom, reuters):
    mismatched = SigningKey(key_pem=reuters.signing.key_pem, certificate_pem=b"not a cert")
    with pytest.raises(SigningError, match=r"The rendition could not be signed: .*certificate"):
        sign(
            jpeg_bytes(),
            "image/jpeg",
            key=mismatched,
            original=Original(jpeg_bytes(), "image/jpeg", "original.jpg"),
            metadata=PhotoMetadata(),
            cropped=False,
        )


def test_a_failed_signing_leaves_no_photo_and_no_file(signing, settings, tmp_path, editor_client):
    (tmp_path / "cert.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nbroken\n")
    settings.NEWSROOM_C2PA_CERT = str(tmp_path / "cert.pem")
    editor_client.raise_request_exception = False
    response = upload(editor_client, jpeg_bytes(size=(500, 300)), alt_text="x", credit="Staff")
    assert response.status_code == 500
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


# Readers: a disclosure per photo on the story page


def test_the_story_page_tells_readers_who_made_each_photo_and_what_we_did(
    signing, client, make_article, reuters, settings, tmp_path
):
    (tmp_path / "anchors.pem").write_bytes(reuters.authority.certificate_pem)
    settings.NEWSROOM_C2PA_TRUST_ANCHORS = str(tmp_path / "anchors.pem")
    photo = photo_of(reuters.sign(jpeg_bytes(size=(600, 400)), creator="Kim Hong-Ji"))
    story = make_article(lead_photo=photo)
    page = client.get(story.get_absolute_url()).content.decode()
    disclosure = page[page.index('<details class="content-credentials">') :]
    disclosure = disclosure[: disclosure.index("</details>")]
    assert "<summary>Content Credentials</summary>" in disclosure
    assert "<dt>Made by</dt><dd>Kim Hong-Ji (Reuters)</dd>" in disclosure
    assert "<dt>Signed by</dt><dd>Reuters, captured 2025-11-04 06:12 UTC, cropped</dd>" in (
        disclosure
    )
    assert "<dt>What we did</dt><dd>Resized and re-encoded for the web" in disclosure
    assert "signed by The Newsroom, naming the original we received" in disclosure


def test_readers_are_not_told_an_unverified_signer_is_real(db, client, make_article, reuters):
    photo = photo_of(reuters.sign(jpeg_bytes(size=(600, 400))))  # no trust anchors set
    page = client.get(make_article(lead_photo=photo).get_absolute_url()).content.decode()
    assert "could not be verified" in page
    assert "captured 2025-11-04" not in page
    assert "Our signature" not in page  # no key: our files are unsigned


def test_cards_carry_no_disclosure(client, make_article):
    photo = photo_of(jpeg_bytes(size=(600, 400)))
    make_article(lead_photo=photo)
    assert "content-credentials" not in client.get("/").content.decode()
