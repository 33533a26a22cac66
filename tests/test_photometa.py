import io

import pytest
from PIL import Image, PngImagePlugin

from articles.photometa import (
    EXIF_ARTIST,
    EXIF_COPYRIGHT,
    EXIF_DESCRIPTION,
    PhotoMetadata,
    copyright_holder,
    newsroom_credit,
    read_metadata,
    to_exif,
    to_xmp,
)
from tests.conftest import image_bytes, jpeg_bytes, with_exif, with_iptc, xmp_packet


def read(data):
    with Image.open(io.BytesIO(data)) as image:
        return read_metadata(image)


AGENCY_XMP = xmp_packet(
    attributes={"photoshop:Credit": "Reuters", "photoshop:Source": "Reuters Pictures"},
    seq={"dc:creator": ["Kim Hong-Ji"]},
    alt={
        "dc:rights": {"x-default": "© 2023 Reuters", "de": "© 2023 Reuters (de)"},
        "dc:description": {"x-default": "Kim Jong Un and Vladimir Putin shake hands"},
        "xmpRights:UsageTerms": {"x-default": "Editorial use only"},
        "Iptc4xmpCore:AltTextAccessibility": {"fr": "Deux hommes", "x-default": "Two men shake"},
    },
    simple={"xmpRights:WebStatement": "https://example.com/licence"},
)
AGENCY = PhotoMetadata(
    caption="Kim Jong Un and Vladimir Putin shake hands",
    alt_text="Two men shake",
    credit="Reuters",
    creator="Kim Hong-Ji",
    copyright_notice="© 2023 Reuters",
    source="Reuters Pictures",
    usage_terms="Editorial use only",
    licence_url="https://example.com/licence",
)


@pytest.mark.parametrize("format", ["JPEG", "WEBP"])
def test_xmp_fields_are_read(format):
    assert read(image_bytes(format, xmp=AGENCY_XMP)) == AGENCY


def test_xmp_in_a_png_is_read():
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", AGENCY_XMP.decode())
    assert read(image_bytes("PNG", pnginfo=info)) == AGENCY


def test_xmp_lists_and_languages():
    data = image_bytes(
        "JPEG",
        xmp=xmp_packet(
            seq={"dc:creator": ["Jane Doe", "John Roe"]},
            alt={"dc:rights": {"fr": "Droits", "en": "Rights"}},
        ),
    )
    metadata = read(data)
    assert metadata.creator == "Jane Doe, John Roe"
    # Without an x-default, the first language given.
    assert metadata.copyright_notice == "Droits"


def test_iptc_fields_are_read():
    data = with_iptc(
        jpeg_bytes(),
        {
            (2, 80): ["Jöhn Doe", "Ann Roe"],
            (2, 110): "AP",
            (2, 115): "Associated Press",
            (2, 116): "© 2024 The Associated Press",
            (2, 120): "Flood waters rise in the city centre",
        },
    )
    assert read(data) == PhotoMetadata(
        caption="Flood waters rise in the city centre",
        credit="AP",
        creator="Jöhn Doe, Ann Roe",
        copyright_notice="© 2024 The Associated Press",
        source="Associated Press",
    )


def test_iptc_without_a_charset_falls_back_to_windows_latin():
    data = with_iptc(jpeg_bytes(), {(2, 80): "José Peña"}, utf8=False, encoding="cp1252")
    assert read(data).creator == "José Peña"


def test_iptc_headline_stands_in_for_a_missing_caption():
    data = with_iptc(jpeg_bytes(), {(2, 105): "Storm hits coast", (2, 110): "AFP"})
    assert read(data).caption == "Storm hits coast"


def test_exif_fields_are_read():
    data = with_exif(
        tags={
            EXIF_ARTIST: "Jane Doe",
            EXIF_COPYRIGHT: "© 2024 Jane Doe".encode(),
            EXIF_DESCRIPTION: "Harbour at dawn",
        }
    )
    metadata = read(data)
    assert metadata.creator == "Jane Doe"
    assert metadata.copyright_notice == "© 2024 Jane Doe"
    assert metadata.caption == "Harbour at dawn"


def test_exif_camera_placeholders_are_not_captions():
    assert read(with_exif(tags={EXIF_DESCRIPTION: "OLYMPUS DIGITAL CAMERA"})).caption == ""


def test_exif_copyright_keeps_photographer_and_editor():
    data = with_exif(tags={EXIF_COPYRIGHT: "Jane Doe\x00Daily News"})
    assert read(data).copyright_notice == "Jane Doe; Daily News"


def test_xmp_wins_over_iptc_which_wins_over_exif():
    data = with_exif(
        tags={EXIF_ARTIST: "exif artist", EXIF_COPYRIGHT: "exif copyright"},
        xmp=xmp_packet(seq={"dc:creator": ["xmp creator"]}),
    )
    data = with_iptc(data, {(2, 80): "iptc by-line", (2, 116): "iptc copyright"})
    metadata = read(data)
    assert metadata.creator == "xmp creator"
    assert metadata.copyright_notice == "iptc copyright"


def test_credit_falls_back_to_creator_and_source():
    data = with_iptc(jpeg_bytes(), {(2, 80): "Jane Doe", (2, 115): "AP"})
    assert read(data).credit == "Jane Doe/AP"
    assert read(with_exif(tags={EXIF_ARTIST: "Jane Doe"})).credit == "Jane Doe"


def test_a_file_without_metadata_says_nothing():
    assert read(jpeg_bytes()) == PhotoMetadata()
    assert read(image_bytes("GIF", mode="P", colour=3)).filled() == {}


def test_malformed_metadata_is_ignored_not_fatal():
    data = image_bytes("JPEG", xmp=b"<x:xmpmeta this is not xml")
    data = with_iptc(data, {(2, 110): "Reuters"})
    assert read(data).credit == "Reuters"


def test_a_licence_link_must_be_a_web_address():
    data = image_bytes("JPEG", xmp=xmp_packet(simple={"xmpRights:WebStatement": "ask the desk"}))
    assert read(data).licence_url == ""


def test_what_we_write_into_files_reads_back_the_same():
    written = PhotoMetadata(
        creator="Zoë Ångström",
        credit="AP Photo/Zoë Ångström",
        copyright_notice="© 2024 The Associated Press <AP> & partners",
        source="AP",
        usage_terms="Editorial use only",
        licence_url="https://example.com/licence?a=1&b=2",
    )
    data = image_bytes("JPEG", exif=to_exif(written), xmp=to_xmp(written))
    assert read(data) == written
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
    # Tools that read only EXIF still find the photographer and the copyright (as UTF-8).
    assert exif[EXIF_ARTIST].encode("latin-1").decode() == "Zoë Ångström"
    assert "© 2024" in exif[EXIF_COPYRIGHT].encode("latin-1").decode()


def test_exif_artist_falls_back_to_the_credit():
    assert to_exif(PhotoMetadata(credit="Reuters"))[EXIF_ARTIST] == "Reuters"


# The credit as a newsroom writes it


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # IPTC By-line + Credit, as Reuters and Yonhap send them.
        ({"creator": "Kim Hong-ji", "credit": "Reuters"}, "Kim Hong-ji/Reuters"),
        # XMP dc:creator + photoshop:Credit, with photoshop:Source naming the desk.
        (
            {"creator": "Kim Hong-Ji", "credit": "Reuters", "source": "Reuters Pictures"},
            "Kim Hong-Ji/Reuters",
        ),
        ({"credit": "Reuters"}, "Reuters"),
        ({"source": "AFP"}, "AFP"),
        ({"creator": "Jane Doe"}, "Jane Doe"),
        ({}, ""),
        # The agency as it writes itself, never twice.
        ({"creator": "REUTERS", "credit": "Reuters"}, "Reuters"),
        ({"creator": "Jane Doe", "credit": "REUTERS"}, "Jane Doe/REUTERS"),
        ({"creator": "REUTERS", "credit": "REUTERS", "source": "Reuters"}, "REUTERS"),
        # Credit lines that already name both stay as the agency wrote them.
        ({"creator": "Kim Hong-ji", "credit": "REUTERS/Kim Hong-ji"}, "REUTERS/Kim Hong-ji"),
        ({"creator": "Jane Doe", "credit": "AP Photo/Jane Doe"}, "AP Photo/Jane Doe"),
        ({"credit": "AP Photo/Jane Doe"}, "AP Photo/Jane Doe"),
        (
            {"creator": "John Smith", "credit": "AFP via Getty Images"},
            "John Smith/AFP via Getty Images",
        ),
        # Words around a name are not part of it.
        ({"creator": "Photo by Jane Doe", "credit": "AP"}, "Jane Doe/AP"),
        ({"creator": "By Jane Doe", "source": "AP"}, "Jane Doe/AP"),
        ({"creator": "Jane Doe", "credit": "Photo: Reuters"}, "Jane Doe/Reuters"),
        ({"credit": "© Reuters"}, "Reuters"),
        # A by-line that carries its agency.
        ({"creator": "Jane Doe / AFP"}, "Jane Doe/AFP"),
        ({"creator": "Jane Doe / AFP", "credit": "AFP"}, "Jane Doe/AFP"),
        # A freelance's own file: the credit is the photographer; the supplier follows.
        ({"creator": "Jane Doe", "credit": "Jane Doe", "source": "Polaris"}, "Jane Doe/Polaris"),
        ({"creator": "Jane Doe", "credit": "Jane Doe"}, "Jane Doe"),
        # Two photographers, one of them already in the credit.
        ({"creator": "Jane Doe, John Roe", "credit": "Jane Doe/AP"}, "Jane Doe/AP"),
        ({"creator": "Jane Doe, John Roe", "credit": "AP"}, "Jane Doe, John Roe/AP"),
    ],
)
def test_newsroom_credit_names_photographer_then_agency(fields, expected):
    assert newsroom_credit(**fields) == expected


def test_a_file_without_a_credit_line_reads_as_the_newsroom_writes_it():
    data = with_iptc(jpeg_bytes(), {(2, 80): "Photo by Jane Doe", (2, 115): "AP"})
    assert read(data).credit == "Jane Doe/AP"


@pytest.mark.parametrize(
    ("notice", "holder"),
    [
        ("© 2023 Reuters", "Reuters"),
        ("© 2023 Reuters. All rights reserved.", "Reuters"),
        ("Copyright 2024 The Associated Press", "The Associated Press"),
        ("(c) Jane Doe 2019-2021", "Jane Doe"),
        ("Jane Doe; Daily News", "Jane Doe; Daily News"),
        ("", ""),
    ],
)
def test_the_copyright_holder_is_who_the_notice_names(notice, holder):
    assert copyright_holder(notice) == holder
