"""The matching engine wired to the store: the key index, candidate search, and the
services behind ``reunify locate/match/dedupe/import people`` and ``/api/v1/match``.

``reunify.matching`` stays pure; everything here reads or writes the database.
"""

from reunify.linkage.index import rebuild, reindex_people, reindex_person
from reunify.linkage.search import find

__all__ = ["find", "rebuild", "reindex_people", "reindex_person"]
