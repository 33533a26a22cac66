"""The benchmark's throwaway archive: `archive` makes its stories as plain rows (pure, no
database), `bulk` writes rows fast, `fill` seeds an empty database with both, and
`python -m bench.seed` runs the seeding on its own.

Nothing is imported here: `python -m bench.seed` sets Django up before the models load.
"""
