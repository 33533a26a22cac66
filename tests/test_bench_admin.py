from bench import admin


def test_every_story_list_address_answers_and_is_timed(make_article, make_author, make_section):
    make_article(section=make_section(name="World"), authors=[make_author(name="Ada")])
    rows = admin.measure()
    assert {status for _what, _address, status, _ms, _queries in rows} == {200}
    assert all(ms > 0 and queries > 0 for *_, ms, queries in rows)
    assert "| section: World | 200 |" in admin.table(rows)
