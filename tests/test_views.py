from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ArticlePhoto, Status


def test_home_lists_published_stories_newest_first(client, trio, make_article):
    newer = make_article(headline="Newest story", publish_at=timezone.now() - timedelta(minutes=1))
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["article_list"]) == [newer, trio["published"]]
    html = response.content.decode()
    assert "Draft story" not in html and "Scheduled story" not in html


def test_home_is_paginated(client, make_article, settings):
    for _ in range(25):
        make_article()
    assert len(client.get("/").context["article_list"]) == 20
    assert len(client.get("/?page=2").context["article_list"]) == 5


@pytest.mark.parametrize("page", ["abc", "-1", "0", "999999"])
def test_bad_page_numbers_are_not_found(client, make_article, page):
    make_article()
    assert client.get(f"/?page={page}").status_code == 404


def test_article_page_shows_the_whole_story(client, make_article, make_author, make_photo):
    photo = make_photo(caption="Leaders meet", credit="Reuters", copyright_notice="© 2023 Reuters")
    story = make_article(
        headline="Kim and Putin meet",
        dek="A rare summit",
        dateline="VLADIVOSTOK",
        body="<p>First paragraph.</p>",
        authors=[make_author(name="Jane Doe"), make_author(name="John Roe")],
        tags=["Russia", "North Korea"],
        lead_photo=photo,
        copyright_notice="© Copyright 2023. All Rights Reserved",
    )
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Kim and Putin meet",
        "A rare summit",
        "VLADIVOSTOK",
        "First paragraph.",
        "Jane Doe",
        "John Roe",
        "Leaders meet",
        "Photo: Reuters",
        "© 2023 Reuters",
        "Russia",
        "North Korea",
        "© Copyright 2023. All Rights Reserved",
    ]:
        assert text in html
    assert photo.image.url not in html  # readers get renditions, never the original upload
    assert f'src="{photo.rendition(800).url}"' in html
    assert f'alt="{photo.alt_text}"' in html


def test_a_credit_waiting_for_its_picture_is_still_shown(client, make_article, make_photo):
    story = make_article(lead_photo=make_photo(with_image=False, credit="Reuters"))
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Photo: Reuters" in html and "<img" not in html


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_unpublished_stories_are_not_found(client, trio, which):
    assert client.get(trio[which].get_absolute_url()).status_code == 404


def test_a_wrong_date_redirects_to_the_canonical_address(client, make_article):
    story = make_article(slug="the-story")
    response = client.get("/1999/01/01/the-story/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_unknown_story_is_not_found_in_the_site_layout(client, make_section):
    make_section(name="World")
    response = client.get("/2023/01/01/no-such-story/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_section_tag_and_author_pages_list_only_their_published_stories(
    client, make_article, make_author, make_section, trio
):
    section, author = make_section(name="Science"), make_author(name="Ada")
    story = make_article(section=section, authors=[author], tags=["space"])
    make_article(section=section, authors=[author], tags=["space"], status=Status.DRAFT)
    for url in ["/section/" + section.slug + "/", "/tag/space/", "/author/" + author.slug + "/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert list(response.context["article_list"]) == [story], url


def test_unknown_section_is_not_found(client, db):
    assert client.get("/section/nope/").status_code == 404


def _story_with_relations(make_article, make_author, make_photo, n):
    photo = make_photo()
    story = make_article(
        authors=[make_author() for _ in range(3)],
        tags=[f"tag-{n}-{i}" for i in range(3)],
        lead_photo=photo,
    )
    ArticlePhoto.objects.create(article=story, photo=make_photo())
    return story


@pytest.mark.parametrize("count", [3, 30])
def test_home_query_count_does_not_grow_with_content(
    client, make_article, make_author, make_photo, django_assert_num_queries, count
):
    for n in range(count):
        _story_with_relations(make_article, make_author, make_photo, n)
    # count, stories, bylines, tags, sections (navigation)
    with django_assert_num_queries(5):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("authors", [1, 6])
def test_article_query_count_does_not_grow_with_bylines(
    client, make_article, make_author, make_photo, django_assert_num_queries, authors
):
    story = make_article(
        authors=[make_author() for _ in range(authors)],
        tags=[f"t{i}" for i in range(authors)],
        lead_photo=make_photo(),
    )
    # story, bylines, tags, gallery photos, sections (navigation)
    with django_assert_num_queries(5):
        assert client.get(story.get_absolute_url()).status_code == 200
