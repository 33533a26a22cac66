from django.utils import timezone


def test_site_footer_shows_the_site_copyright_on_every_page(client, make_article, settings):
    settings.NEWSROOM_COPYRIGHT_HOLDER = "Example Media"
    story = make_article(copyright_notice="© Copyright 2023. All Rights Reserved")
    year = timezone.localdate().year
    for url in ["/", story.get_absolute_url(), "/no-such-page/"]:
        html = client.get(url).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert f"© {year} Example Media. All rights reserved." in footer, url


def test_story_foot_shows_the_story_copyright_or_the_site_default(client, make_article, settings):
    settings.NEWSROOM_COPYRIGHT_HOLDER = "Example Media"
    own = make_article(copyright_notice="© Copyright 2023. All Rights Reserved")
    default = make_article(publish_at=timezone.now().replace(year=2024))
    html = client.get(own.get_absolute_url()).content.decode()
    assert '<p class="copyright">© Copyright 2023. All Rights Reserved' in html
    html = client.get(default.get_absolute_url()).content.decode()
    assert '<p class="copyright">© 2024 Example Media. All rights reserved.' in html
