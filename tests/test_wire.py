import random
import time
from pathlib import Path

import pytest

from articles.wire.parser import Copyright, WireError, WireStory, parse

DEMO = Path(__file__).resolve().parent.parent / "articles/demo/wire/000_5ada4b7a9c93438c.txt"


def story(*lines: str) -> WireStory:
    return parse("\n".join(lines).encode())


# The real story


def test_real_story():
    parsed = parse(DEMO.read_bytes())

    assert parsed.headline == (
        "On Wednesday, North Korean leader Kim Jong Un and Russian President Vladimir Putin "
        "had a rare summit where…"
    )
    assert parsed.headline_is_provisional
    assert parsed.bylines == ()
    assert parsed.dateline == ""
    assert parsed.source == "Vygr Media"
    assert len(parsed.paragraphs) == 10
    assert parsed.paragraphs[0].startswith("On Wednesday")
    assert parsed.paragraphs[-1].endswith("after its founding.")
    assert parsed.photo_credits == ("Reuters",)
    assert parsed.copyright == Copyright(
        notice="© Copyright 2023. All Rights Reserved",
        year=2023,
        holder="",
        provider="Vygr Media",
    )
    for paragraph in parsed.paragraphs:
        assert "Photo:" not in paragraph
        assert "©" not in paragraph
        assert "Powered by" not in paragraph


def test_real_story_with_bom_and_crlf_parses_the_same():
    data = DEMO.read_bytes()

    assert parse(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")) == parse(data)


def test_real_story_with_lone_cr_parses_the_same():
    data = DEMO.read_bytes()

    assert parse(data.replace(b"\n", b"\r")) == parse(data)


# Synthetic stories


def test_full_story_with_headline_byline_dateline_credit_and_copyright():
    parsed = story(
        "Kim and Putin meet at Russian spaceport",
        "",
        "By Jane Doe and John Roe",
        "",
        "SEOUL, Sept 13 (Reuters) - North Korean leader Kim Jong Un",
        "met Russian President Vladimir Putin.",
        "",
        "The two leaders toasted each other.",
        "",
        "Photo: AP Photo/Jane Doe",
        "",
        "© 2024 The Associated Press. All rights reserved.",
    )

    assert parsed == WireStory(
        headline="Kim and Putin meet at Russian spaceport",
        headline_is_provisional=False,
        bylines=("Jane Doe", "John Roe"),
        dateline="SEOUL",
        source="Reuters",
        paragraphs=(
            "North Korean leader Kim Jong Un met Russian President Vladimir Putin.",
            "The two leaders toasted each other.",
        ),
        photo_credits=("AP Photo/Jane Doe",),
        copyright=Copyright(
            notice="© 2024 The Associated Press. All rights reserved.",
            year=2024,
            holder="The Associated Press",
            provider="",
        ),
        agency="Reuters",
    )


def test_first_line_ending_with_full_stop_is_not_a_headline():
    parsed = story("Kim met Putin.", "", "They talked.")

    assert parsed.headline == "Kim met Putin"
    assert parsed.headline_is_provisional
    assert parsed.paragraphs == ("Kim met Putin.", "They talked.")


def test_headline_may_end_with_question_mark():
    parsed = story("Will Kim visit Moscow?", "", "Nobody knows.")

    assert parsed.headline == "Will Kim visit Moscow?"
    assert not parsed.headline_is_provisional
    assert parsed.paragraphs == ("Nobody knows.",)


def test_headline_needs_a_blank_line_after_it():
    parsed = story("Kim and Putin meet", "They talked.")

    assert parsed.headline_is_provisional
    assert parsed.paragraphs == ("Kim and Putin meet", "They talked.")


def test_headline_directly_followed_by_byline():
    parsed = story("Kim and Putin meet", "By Jane Doe", "They talked.")

    assert parsed.headline == "Kim and Putin meet"
    assert parsed.bylines == ("Jane Doe",)
    assert parsed.paragraphs == ("They talked.",)


@pytest.mark.parametrize(
    "first_line",
    ["word " * 21, "Kim " + "x" * 150],
    ids=["too many words", "too long"],
)
def test_long_first_line_is_not_a_headline(first_line):
    parsed = story(first_line, "", "They talked.")

    assert parsed.headline_is_provisional
    assert len(parsed.paragraphs) == 2


def test_byline_without_headline():
    parsed = story("By Jane Doe", "", "They talked.")

    assert parsed.headline == "They talked"
    assert parsed.headline_is_provisional
    assert parsed.bylines == ("Jane Doe",)
    assert parsed.paragraphs == ("They talked.",)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe", ("Jane Doe",)),
        ("by Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("BY JANE DOE AND JOHN ROE", ("JANE DOE", "JOHN ROE")),
        ("By Jane Doe, John Roe and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
        ("By Jane Doe, John Roe, and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
    ],
)
def test_bylines(line, names):
    assert story("Headline", "", line, "", "Body.").bylines == names


@pytest.mark.parametrize(
    "line",
    [
        "By then, officials said the talks had failed.",
        "By Tuesday the talks had failed" + " and more words" * 6,
        "Bystanders cheered.",
    ],
)
def test_sentence_starting_with_by_is_not_a_byline(line):
    parsed = story("Headline", "", line)

    assert parsed.bylines == ()
    assert parsed.paragraphs == (line,)


# Paragraphs


def test_one_paragraph_per_line_without_blank_lines():
    assert story("First.", "Second.", "Third.").paragraphs == ("First.", "Second.", "Third.")


def test_blank_line_separated_paragraphs_join_wrapped_lines():
    parsed = story("First line", "continues.", "", "", "Second.")

    assert parsed.paragraphs == ("First line continues.", "Second.")


def test_whitespace_is_stripped_and_collapsed():
    parsed = story("  Kim \t met   Putin.  ", "\tThey  talked. ")

    assert parsed.paragraphs == ("Kim met Putin.", "They talked.")


# Datelines


@pytest.mark.parametrize(
    ("opening", "dateline", "source"),
    [
        ("SEOUL, Sept 13 (Reuters) - ", "SEOUL", "Reuters"),
        ("WASHINGTON (AP) — ", "WASHINGTON", "AP"),
        ("LONDON, March 3 (Reuters) – ", "LONDON", "Reuters"),
        ("NEW YORK (Reuters) - ", "NEW YORK", "Reuters"),
        ("ST. LOUIS (AP) — ", "ST. LOUIS", "AP"),
        ("PORT-AU-PRINCE, Haiti (AP) — ", "PORT-AU-PRINCE", "AP"),
        ("KYIV, Sept. 13 — ", "KYIV", ""),
    ],
)
def test_dateline_is_taken_from_the_first_paragraph(opening, dateline, source):
    parsed = story(opening + "Officials met.", "Second.")

    assert parsed.dateline == dateline
    assert parsed.source == source
    assert parsed.paragraphs == ("Officials met.", "Second.")
    assert parsed.headline == "Officials met"


@pytest.mark.parametrize(
    "paragraph",
    [
        "On Wednesday, North Korean leader Kim met Putin - again.",
        "US - China talks resumed.",
        "NATO, the alliance said - without details.",
        "Seoul (Reuters) - lower case city.",
    ],
)
def test_ordinary_sentence_is_not_a_dateline(paragraph):
    parsed = story(paragraph)

    assert parsed.dateline == ""
    assert parsed.paragraphs == (paragraph,)


def test_dateline_only_in_first_paragraph():
    parsed = story("First.", "SEOUL (Reuters) - Second.")

    assert parsed.dateline == ""
    assert parsed.paragraphs[1] == "SEOUL (Reuters) - Second."


def test_dateline_agency_wins_over_copyright_provider():
    parsed = story("SEOUL (Reuters) - Body.", "© 2023 Foo. Powered by Vygr Media")

    assert parsed.source == "Reuters"


def test_no_source_without_agency_or_provider():
    assert story("Body.", "© 2023 Foo").source == ""


# Provisional headlines


def test_provisional_headline_is_the_first_sentence():
    parsed = story("Kim met Putin on Wednesday. They talked for hours.", "More.")

    assert parsed.headline == "Kim met Putin on Wednesday"


def test_provisional_headline_skips_abbreviations_and_initials():
    parsed = story("Mr. Kim met John F. Kennedy Jr. in the U.S. today. They talked.")

    assert parsed.headline == "Mr. Kim met John F. Kennedy Jr. in the U.S. today"


def test_provisional_headline_strips_quotes():
    parsed = story('"We will win," Kim said. Putin agreed.')

    assert parsed.headline == "We will win, Kim said"


def test_long_provisional_headline_is_cut_at_a_word_boundary():
    parsed = story("word " * 40 + "end.")

    assert parsed.headline == ("word " * 22).rstrip() + "…"
    assert len(parsed.headline) <= 111


def test_long_provisional_headline_without_spaces_is_cut_hard():
    assert story("x" * 300).headline == "x" * 110 + "…"


# Photo credits


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("(Photo: Reuters)", "Reuters"),
        ("Photo: AP Photo/Jane Doe", "AP Photo/Jane Doe"),
        ("(Photo credit: Getty Images)", "Getty Images"),
        ("Photo credit: Getty Images.", "Getty Images"),
        ("(Photos: Reuters)", "Reuters"),
        ("Picture: Yonhap", "Yonhap"),
        ("(photo: Reuters).", "Reuters"),
    ],
)
def test_photo_credit_line_is_removed(line, credit):
    parsed = story("First.", line, "Second.")

    assert parsed.photo_credits == (credit,)
    assert parsed.paragraphs == ("First.", "Second.")


def test_photo_credit_at_end_of_paragraph_is_removed():
    parsed = story("Kim spoke, Putin said. (Photo: Reuters)", "Second. (Photo: AP) (Photo: Yonhap)")

    assert parsed.paragraphs == ("Kim spoke, Putin said.", "Second.")
    assert parsed.photo_credits == ("Reuters", "AP", "Yonhap")


def test_photo_credits_keep_order_and_are_deduplicated():
    parsed = story("(Photo: AP)", "First.", "(Photo: Reuters)", "Second.", "(Photo: AP)")

    assert parsed.photo_credits == ("AP", "Reuters")
    assert parsed.paragraphs == ("First.", "Second.")


def test_photo_credit_line_does_not_split_a_wrapped_paragraph():
    parsed = story("First line", "(Photo: AP)", "continues.", "", "Second.")

    assert parsed.paragraphs == ("First line continues.", "Second.")


def test_long_caption_after_photo_label_stays_in_body():
    caption = "Photo: " + "Kim and Putin walk past a rocket at the cosmodrome " * 3
    parsed = story("First.", caption.strip())

    assert parsed.photo_credits == ()
    assert parsed.paragraphs[1] == caption.strip()


# Copyright


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "© Copyright 2023. All Rights Reserved Powered by Vygr Media.",
            Copyright("© Copyright 2023. All Rights Reserved", 2023, "", "Vygr Media"),
        ),
        (
            "© 2024 The Associated Press. All rights reserved.",
            Copyright(
                "© 2024 The Associated Press. All rights reserved.",
                2024,
                "The Associated Press",
                "",
            ),
        ),
        (
            "Copyright 2022 Example News Ltd",
            Copyright("Copyright 2022 Example News Ltd", 2022, "Example News Ltd", ""),
        ),
        ("(c) 2021 Foo Corp", Copyright("(c) 2021 Foo Corp", 2021, "Foo Corp", "")),
        ("© Reuters", Copyright("© Reuters", None, "Reuters", "")),
        (
            "Copyright © 2019-2024 Reuters",
            Copyright("Copyright © 2019-2024 Reuters", 2024, "Reuters", ""),
        ),
    ],
)
def test_copyright_line(line, expected):
    parsed = story("Body.", line)

    assert parsed.copyright == expected
    assert parsed.paragraphs == ("Body.",)


def test_first_copyright_line_wins_and_all_are_removed():
    parsed = story("© 2023 Foo", "Body.", "© 2024 Bar")

    assert parsed.copyright.holder == "Foo"
    assert parsed.paragraphs == ("Body.",)


@pytest.mark.parametrize(
    "line",
    [
        "The court ruled that copyright © belongs to the author.",
        "Copyright law is changing, experts said.",
        "(c) the right to appeal.",
    ],
)
def test_sentence_about_copyright_stays_in_body(line):
    parsed = story("Body.", line)

    assert parsed.copyright is None
    assert parsed.paragraphs == ("Body.", line)


# Errors


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty"),
        (b" \r\n\t \n", "file contains only whitespace"),
        (b"\xef\xbb\xbf", "file is empty"),
        (b"PK\x03\x04\x00\x00text", "binary data, not text"),
        (b"\x01\x02\x03\x04 some text", "binary data, not text"),
        (b"Caf\xe9 story", r"not UTF-8 text \(invalid byte 0xe9 at position 3\)"),
        (b"\xff\xfeS\x00", "UTF-16 text, not UTF-8"),
        (
            b"(Photo: Reuters)\n\xc2\xa9 2023 Foo",
            "^no body text left after removing credit and copyright lines$",
        ),
        (b"Headline\n\nBy Jane Doe\n", "after removing headline and byline lines"),
        (b"SEOUL (Reuters) -", "after removing dateline lines"),
    ],
)
def test_errors(data, message):
    with pytest.raises(WireError, match=message):
        parse(data)


def test_wire_error_is_a_value_error():
    assert issubclass(WireError, ValueError)


def test_already_decoded_text_is_accepted():
    assert parse(DEMO.read_text(encoding="utf-8")) == parse(DEMO.read_bytes())


# Robustness

PIECES = [
    "Kim", "met", "Putin", ".", "?", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\ufeff",
    "(", ")", "©", "(c)", "Copyright", "2023", "All rights reserved", "Powered by", "By ",
    " and ", ",", "SEOUL", ", Sept 13", " (Reuters)", " - ", " — ", "(Photo: ", "Photo:",
    "Picture: ", '"', "“", "…", "\x07", "\x85", "\u2028", "é", "\ud800", "😀",
]  # fmt: skip


def outcome(data):
    try:
        return parse(data)
    except WireError as error:
        return error


def test_random_bytes_parse_or_raise_wire_error():
    rng = random.Random(20230913)
    for _ in range(300):
        data = rng.randbytes(rng.randint(0, 200))
        assert isinstance(outcome(data), WireStory | WireError), data


def test_random_text_parses_or_raises_wire_error():
    rng = random.Random(13)
    for _ in range(500):
        text = "".join(rng.choices(PIECES, k=rng.randint(0, 60)))
        # surrogatepass lets lone surrogates through as invalid UTF-8, which must be refused.
        data = text.encode("utf-8", "surrogatepass")
        assert isinstance(outcome(data), WireStory | WireError), data
        assert isinstance(outcome(text), WireStory | WireError), text


def test_random_mutations_of_the_real_story_parse_or_raise_wire_error():
    rng = random.Random(7)
    original = DEMO.read_bytes()
    for _ in range(200):
        data = bytearray(original)
        for _ in range(rng.randint(1, 10)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        assert isinstance(outcome(bytes(data)), WireStory | WireError)


@pytest.mark.parametrize(
    "data",
    [
        b"word " * 200_000 + b"end.",
        b"A. " * 300_000,
        b"(" * 1_000_000,
        b"SEOUL " * 200_000,
        b"(Photo: x" * 100_000 + b")",
        b"Kim said. (Photo: Reuters)" * 40_000,
        "© Copyright 2023 ".encode() * 50_000,
        b"Body.\n" + b"(Photo: Reuters)\n" * 10_000,
        b"Body.\n" + b"Photo: AP Photo/Jane Doe\n" * 10_000,
    ],
    ids=[
        "long line",
        "initials",
        "parentheses",
        "capitals",
        "open credits",
        "trailing credits",
        "copyright",
        "credit lines",
        "label credit lines",
    ],
)
def test_huge_input_is_fast(data):
    start = time.perf_counter()
    outcome(data)

    assert time.perf_counter() - start < 1


# Single-line fields

LINE_BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def single_line_fields(parsed):
    notice = parsed.copyright
    copyright = [notice.notice, notice.holder, notice.provider] if notice else []
    return [
        parsed.headline,
        parsed.dateline,
        parsed.source,
        *parsed.bylines,
        *parsed.photo_credits,
        *copyright,
    ]


def is_one_line(text):
    return text.splitlines() in ([text], [])


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=repr)
def test_no_line_break_inside_a_single_line_field(brk):
    parsed = story(
        f"Storm closes{brk}ports",
        "",
        f"By Jane{brk}Doe and John{brk}Roe",
        "",
        f"NEW{brk}YORK, Sept 13 (Reuters{brk}Wire) - A storm closed ports.",
        f"Photo: AP{brk}Photo",
        f"© 2024 The{brk}Associated Press. All rights reserved. Powered by Vygr{brk}Media",
    )

    fields = single_line_fields(parsed)
    assert fields and all(is_one_line(field) for field in fields), fields


def test_no_line_break_inside_a_single_line_field_of_random_text():
    rng = random.Random(16)
    for _ in range(500):
        text = "".join(rng.choices(PIECES + LINE_BREAKS, k=rng.randint(1, 80)))
        parsed = outcome(text)
        if isinstance(parsed, WireStory):
            assert all(is_one_line(field) for field in single_line_fields(parsed)), text


def test_the_dateline_agency_and_the_syndication_service_are_both_kept():
    parsed = story(
        "SEOUL, Sept 13 (Reuters) - Kim met Putin.",
        "© Copyright 2025. All Rights Reserved Powered by Vygr Media.",
    )

    assert (parsed.agency, parsed.service) == ("Reuters", "Vygr Media")
    assert parsed.source == "Reuters"
    assert parsed.credited_to == "Reuters"


def test_copy_without_an_agency_is_credited_to_the_service():
    parsed = story("Kim met Putin.", "© 2025 All Rights Reserved Powered by Vygr Media.")

    assert (parsed.agency, parsed.service, parsed.credited_to) == ("", "Vygr Media", "Vygr Media")
