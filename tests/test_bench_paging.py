from bench import paging


def test_offset_and_cursor_are_measured_for_the_same_pages(make_article, make_section):
    world = make_section(name="World")
    for _ in range(45):
        make_article(section=world)
    make_article(section=make_section(name="Sport"))
    section, total, size, rows = paging.measure(size=20)
    assert (section, total, size) == (world, 45, 20)
    # Pages 1 and 50 exist only where there are stories to show on them.
    assert [page for page, *_times in rows] == [1]
    assert all(ms > 0 for _page, *times in rows for ms in times)
    table = paging.table(section, total, size, rows)
    assert "Section “World”: 45 published stories, pages of 20." in table
    assert table.splitlines()[-1].startswith("| 1 | ")
