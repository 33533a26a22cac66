import pytest

from articles.arrangements import Arrangement, ArrangementError, changes

TITLES = {1: "Lead", 2: "Top stories", 3: "Opinion"}
HEADLINES = {10: "Harbour reopens", 11: "Rates rise", 12: "Storm warning", 13: "Letters"}


def said(before, after):
    return changes(Arrangement(before), Arrangement(after), headlines=HEADLINES, titles=TITLES)


def test_the_posted_arrangement_is_read_in_order():
    text = '[{"area": 2, "stories": [12, 10]}, {"area": 1, "stories": []}]'
    assert Arrangement.from_json(text) == Arrangement(((2, (12, 10)), (1, ())))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "{}",
        '{"area": 1}',
        '[{"area": 1}]',
        '[{"area": "1", "stories": []}]',
        '[{"area": 1, "stories": [true]}]',
        '[{"area": 1, "stories": [-4]}]',
        '[{"area": 1, "stories": "12"}]',
        "[1, 2]",
    ],
)
def test_an_arrangement_that_cannot_be_read_is_refused(text):
    with pytest.raises(ArrangementError):
        Arrangement.from_json(text)


def test_the_version_changes_with_any_move():
    saved = Arrangement(((1, (10,)), (2, (11, 12))))
    assert saved.version == Arrangement(((1, (10,)), (2, (11, 12)))).version
    for other in [
        ((1, (10,)), (2, (12, 11))),
        ((2, (11, 12)), (1, (10,))),
        ((1, ()), (2, (10, 11, 12))),
        ((1, (10,)), (2, (11, 12)), (3, ())),
    ]:
        assert Arrangement(other).version != saved.version


def test_a_story_moved_up_is_named_and_those_it_pushed_down_are_not():
    before = ((1, ()), (2, (11, 12, 10)))
    after = ((1, ()), (2, (10, 11, 12)))
    assert said(before, after) == ["Moved ‘Harbour reopens’ to place 1 of Top stories"]


def test_moves_between_areas_additions_removals_and_areas_moved():
    before = ((1, (11,)), (2, (10, 12)), (3, (13,)))
    after = ((3, ()), (1, (10, 12)), (2, ()))
    assert said(before, after) == [
        "Moved the area Opinion to place 1",
        "Moved ‘Harbour reopens’ from Top stories to place 1 of Lead",
        "Moved ‘Storm warning’ from Top stories to place 2 of Lead",
        "Removed ‘Rates rise’ from Lead",
        "Removed ‘Letters’ from Opinion",
    ]
    assert said(((1, ()),), ((1, (13,)),)) == ["Added ‘Letters’ to place 1 of Lead"]


def test_a_story_put_in_a_second_area_is_added_there_not_moved():
    assert said(((1, (10,)), (2, ())), ((1, (10,)), (2, (10,)))) == [
        "Added ‘Harbour reopens’ to place 1 of Top stories"
    ]


def test_nothing_moved_says_nothing():
    same = ((1, (10,)), (2, (11, 12)))
    assert said(same, same) == []
