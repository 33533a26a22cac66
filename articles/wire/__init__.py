"""Agency copy in: `parser` reads a plain-text wire story into a WireStory (pure: no Django, no
database), `importer` saves one as a draft with its bylines and credited photos. The
`import_wire` command connects them to files.

Nothing is imported here, so that the parser stays importable, and fuzzable, without Django.
"""
