"""Files on storage that follow the database transaction: none is left without its row.

A photo's files are written before its rows are committed (Django writes an upload in
`pre_save`; renditions are drawn from the stored original). If the transaction then rolls
back, whatever the reason and however far up the caller's `atomic` block, the files written
in it are deleted. Django has no rollback hook, but it documents that a rollback discards the
`on_commit` callbacks registered in the rolled-back block: we register one, and a finalizer
on it deletes the files when it is discarded without having run.
"""

import logging
import weakref

from django.db import transaction

logger = logging.getLogger(__name__)


def written_in_transaction(storage, *, using=None):
    """A list to add the names of files just written to `storage`; they are deleted if the
    current atomic block (a savepoint or the whole transaction) rolls back.

    Call it inside `transaction.atomic()`, before writing: outside one, nothing could undo.
    """
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError("Files can follow a transaction only inside transaction.atomic().")
    names = []
    outcome = {"committed": False}

    def committed():
        outcome["committed"] = True

    connection = transaction.get_connection(using)
    transaction.on_commit(committed, using=using)
    # First in line: a callback that raises stops the ones after it, and ours not running
    # after a commit would delete the files of committed rows.
    connection.run_on_commit.insert(0, connection.run_on_commit.pop())
    # The callback is referenced only from the connection's list of commit callbacks: it is
    # freed once it has run (commit) or once that list drops it (rollback).
    weakref.finalize(committed, _delete_unless_committed, storage, names, outcome)
    return names


def _delete_unless_committed(storage, names, outcome):
    if outcome["committed"]:
        return
    for name in names:
        try:
            storage.delete(name)
        # A finalizer must not raise; the file is then an orphan, and the log says which.
        except Exception:
            logger.exception("Could not delete %s after its transaction rolled back", name)
