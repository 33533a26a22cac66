"""Content Credentials on the way in: what a signed picture says, and whether to believe it."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from articles import jsonld
from articles.credentials.reading import INVALID, TRUSTED, UNTRUSTED, read_credentials
from articles.models import Photo, Status
from articles.models.workflow import ChecklistError
from tests.c2pa_files import COMPOSITE_AI, GENERATIVE, Agency, tampered
from tests.conftest import jpeg_bytes, with_iptc
from tests.test_admin_photo import upload

SUMMARY = "Signed by Reuters, captured 2025-11-04 06:12 UTC, cropped"


@pytest.fixture(scope="module")
def reuters():
    return Agency("Reuters")


@pytest.fixture(scope="module")
def forger():
    """Someone claiming to be Reuters with a certificate of their own making."""
    return Agency("Reuters")


@pytest.fixture
def trusting(settings, tmp_path):
    """Trust the signers of the agencies given, as NEWSROOM_C2PA_TRUST_ANCHORS names them."""

    def trust(*agencies):
        anchors = tmp_path / "trust-anchors.pem"
        anchors.write_bytes(b"".join(agency.authority.certificate_pem for agency in agencies))
        settings.NEWSROOM_C2PA_TRUST_ANCHORS = str(anchors)

    return trust


def read(content, *agencies):
    anchors = b"".join(agency.authority.certificate_pem for agency in agencies).decode()
    return read_credentials(io.BytesIO(content), "image/jpeg", trust_anchors=anchors)


def photo_of(content, **fields):
    photo = Photo(alt_text="A picture", **fields)
    photo.image.save("picture.jpg", ContentFile(content), save=False)
    photo.save()
    return photo


# Reading


def test_a_trusted_signature_shows_its_signer_capture_time_and_edits(reuters):
    credentials = read(reuters.sign(jpeg_bytes()), reuters)
    assert credentials.state == TRUSTED
    assert credentials.summary() == SUMMARY
    assert credentials.creator == "Jane Doe"
    assert credentials.warnings() == []


def test_bytes_changed_after_signing_void_the_credentials(reuters):
    credentials = read(tampered(reuters.sign(jpeg_bytes())), reuters)
    assert credentials.state == INVALID
    assert credentials.warnings() == [
        "The file was changed after it was signed: its credentials are void."
    ]


def test_a_signer_no_trusted_authority_issued_is_flagged(reuters, forger):
    credentials = read(forger.sign(jpeg_bytes()), reuters)
    assert credentials.state == UNTRUSTED
    assert credentials.warnings() == [
        "Signed by Reuters, whose certificate no authority we trust issued: the credit it "
        "claims is unconfirmed."
    ]


def test_without_trust_anchors_no_signer_is_trusted(reuters):
    assert read(reuters.sign(jpeg_bytes())).state == UNTRUSTED


@pytest.mark.parametrize("source_type", [GENERATIVE, COMPOSITE_AI])
def test_a_generative_ai_declaration_is_recognised(reuters, source_type):
    credentials = read(reuters.sign(jpeg_bytes(), source_type=source_type), reuters)
    assert credentials.is_ai_generated
    assert "AI-generated" in credentials.warnings()[0]
    assert credentials.summary().startswith("Signed by Reuters, created 2025-11-04 06:12 UTC")


def test_a_captured_picture_is_not_ai_generated(reuters):
    assert not read(reuters.sign(jpeg_bytes()), reuters).is_ai_generated


def test_a_picture_without_a_manifest_has_no_credentials():
    assert read(jpeg_bytes()) is None


def test_a_manifest_too_damaged_to_parse_is_invalid_not_an_error(reuters):
    signed = bytearray(reuters.sign(jpeg_bytes()))
    start = signed.index(b"jumb")  # the manifest store's first box
    signed[start + 40 : start + 400] = bytes(360)
    credentials = read(bytes(signed), reuters)
    assert credentials.state == INVALID
    assert credentials.warnings()[0].startswith("The ")


def test_the_summary_survives_storage_as_json(reuters):
    credentials = read(reuters.sign(jpeg_bytes()), reuters)
    stored = json.loads(json.dumps(credentials.as_json()))
    assert type(credentials).from_json(stored) == credentials


# On upload: shown to editors, pre-filling what they left empty


def test_the_photo_page_shows_the_signer_beside_the_credit(editor_client, reuters, trusting):
    trusting(reuters)
    upload(editor_client, reuters.sign(jpeg_bytes()), credit="Reuters")
    photo = Photo.objects.get()
    page = editor_client.get(f"/admin/articles/photo/{photo.pk}/change/").content.decode()
    assert SUMMARY in page
    assert page.index("field-credit") < page.index(SUMMARY) < page.index("field-creator")


@pytest.mark.parametrize(
    "make, warning",
    [
        (lambda reuters, forger: tampered(reuters.sign(jpeg_bytes())), "changed after it"),
        (lambda reuters, forger: forger.sign(jpeg_bytes()), "no authority we trust issued"),
        (lambda reuters, forger: reuters.sign(jpeg_bytes(), source_type=GENERATIVE), "AI-gen"),
    ],
    ids=["tampered", "untrusted", "ai"],
)
def test_a_doubtful_picture_is_kept_with_a_warning(
    editor_client, reuters, forger, trusting, make, warning
):
    trusting(reuters)
    content = make(reuters, forger)
    upload(editor_client, content, credit="Reuters")
    photo = Photo.objects.get()
    with photo.image.open("rb") as stored:
        assert stored.read() == content  # nothing lost: the editor decides
    page = editor_client.get(f"/admin/articles/photo/{photo.pk}/change/").content.decode()
    assert warning in page


def test_an_unsigned_picture_says_it_carries_no_credentials(editor_client):
    upload(editor_client, jpeg_bytes(), credit="Staff")
    photo = Photo.objects.get()
    page = editor_client.get(f"/admin/articles/photo/{photo.pk}/change/").content.decode()
    assert "the file carries no Content Credentials" in page


def test_a_trusted_manifest_fills_the_credit_and_creator(editor_client, reuters, trusting):
    trusting(reuters)
    upload(editor_client, reuters.sign(jpeg_bytes(), creator="Kim Hong-Ji"))
    photo = Photo.objects.get()
    assert (photo.credit, photo.creator) == ("Reuters", "Kim Hong-Ji")


def test_a_signed_credit_wins_over_the_files_iptc_but_not_over_the_editor(
    editor_client, reuters, trusting
):
    trusting(reuters)
    content = reuters.sign(with_iptc(jpeg_bytes(), {(2, 110): "Someone", (2, 80): "Nobody"}))
    upload(editor_client, content, credit="Staff")
    photo = Photo.objects.get()
    assert (photo.credit, photo.creator) == ("Staff", "Jane Doe")


def test_an_untrusted_manifest_fills_nothing(editor_client, forger, reuters, trusting):
    trusting(reuters)
    upload(editor_client, forger.sign(jpeg_bytes()))
    photo = Photo.objects.get()
    assert (photo.credit, photo.creator) == ("", "")
    assert photo.credentials.state == UNTRUSTED


def test_wire_pictures_are_verified_on_import(db, tmp_path, reuters, trusting):
    from tests.test_import_wire import STORY, run

    trusting(reuters)
    (tmp_path / "storm.txt").write_text(STORY)
    (tmp_path / "storm.jpg").write_bytes(tampered(reuters.sign(jpeg_bytes(size=(120, 80)))))
    run(tmp_path)
    photo = Photo.objects.get()
    assert photo.credentials.is_changed_after_signing


def test_a_new_file_replaces_the_old_files_credentials(db, reuters, trusting):
    trusting(reuters)
    photo = photo_of(reuters.sign(jpeg_bytes()), credit="Reuters")
    photo.image.save("other.jpg", ContentFile(jpeg_bytes(colour=(1, 2, 3))), save=False)
    photo.save()
    assert Photo.objects.get().credentials is None


# Generative AI: never published as a news photo without an editor's label


@pytest.fixture
def ai_photo(db, reuters, trusting):
    trusting(reuters)
    return photo_of(reuters.sign(jpeg_bytes(), source_type=GENERATIVE), credit="Reuters")


def test_an_ai_declaration_blocks_publication_until_labelled(make_article, editor, ai_photo):
    story = make_article(status=Status.APPROVED, publish_at=None, lead_photo=ai_photo)
    with pytest.raises(ChecklistError, match="declare it AI-generated: label it"):
        story.publish(by=editor)
    ai_photo.ai_label = "ai"
    ai_photo.edit(by=editor)
    story.refresh_from_db()
    story.publish(by=editor)
    assert Photo.objects.get().ai_label == "ai"


def test_the_label_reaches_readers_with_the_credit_and_in_structured_data(
    client, make_article, ai_photo
):
    ai_photo.ai_label = "illustration"
    ai_photo.save()
    story = make_article(lead_photo=ai_photo)
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<span class="ai-label">Illustration</span>' in page
    assert page.index("ai-label") < page.index("Photo: Reuters")
    assert jsonld.image_object(ai_photo, absolute=lambda url: url)["genre"] == "Illustration"


def test_a_label_given_after_publishing_reaches_the_kept_page(client, make_article, ai_photo):
    ai_photo.ai_label = "ai"
    ai_photo.save()
    story = make_article(lead_photo=ai_photo)
    assert "AI-generated image" in client.get(story.get_absolute_url()).content.decode()
    ai_photo.ai_label = "illustration"
    ai_photo.save()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "AI-generated image" not in page and "Illustration" in page


def test_the_editor_is_told_to_label_an_ai_picture(editor_client, ai_photo):
    page = editor_client.get(f"/admin/articles/photo/{ai_photo.pk}/change/").content.decode()
    assert "Choose an AI label" in page


def test_a_writer_cannot_relabel_a_photo_once_its_story_is_at_the_desk(
    make_article, writer, ai_photo
):
    make_article(status=Status.IN_REVIEW, publish_at=None, lead_photo=ai_photo)
    ai_photo.ai_label = "illustration"
    with pytest.raises(PermissionDenied):
        ai_photo.edit(by=writer)
    assert Photo.objects.get().ai_label == ""
