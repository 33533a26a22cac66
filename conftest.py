"""The test run's environment, set before anything imports the settings, which read it once.

The suite is a development run: DEBUG on when the settings are imported (plain static files, no
HTTPS redirect, the development key), while pytest-django still runs each test with DEBUG off.
DEBUG is off by default for everyone else, so it is set here rather than in settings.py.
Servers the tests start (tests/live_site.py) inherit it; tests of production settings
(tests/test_settings.py) set their own.

pytest-django imports the settings before loading any conftest when DJANGO_SETTINGS_MODULE is
in the pytest configuration, so it is set here instead, and Django set up for the conftest
files and test modules that import models.
"""

import os

import django

os.environ["DEBUG"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
