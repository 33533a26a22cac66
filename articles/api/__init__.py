"""The partner API: our published stories in IPTC ninjs, for partners holding a key.

`ninjs.py` writes a story as a ninjs item (no database beyond what the story has loaded),
`access.py` finds the partner behind a request and counts its requests, `views.py` connects
them to the stories a partner's contract lets travel, kept like the reader's pages.
"""
