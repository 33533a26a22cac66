"""C2PA Content Credentials: read what arrives (`reading`), sign what we draw (`signing`).

Pure: no database. Both go through the C2PA project's own library (c2pa-python); `authority`
makes the certificates a development site and the tests sign with.
"""
