"""``compare_names`` for many pairs of records at once, for batch jobs.

A million-person dedupe compares hundreds of thousands of pairs of names, nearly all of
them different, so remembering answers does not help, and one pair at a time in Python is
the biggest part of the job. Here every pair of records is spread into its pairs of words
in the order ``best_rule`` walks them (left word by left word, right word by right word);
each distinct pair of words gets its first passing rule from whole-array tests (equal
codes, and rapidfuzz's ``cpdist`` for the edit-distance and Jaro-Winkler bands; only the
nickname and compound-name sets are tested in Python, on the pairs still undecided); and
each pair of records keeps its best rule and, for an exact match, its first agreeing word,
which is what ``best_rule`` returns. The choice between the names as entered and swapped is
``compare_names``'s, on arrays. A test holds the outcome equal to ``compare_names``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist

from reunify.matching.levels import Rule
from reunify.matching.name_levels import (
    FAMILY_RULES,
    GIVEN_RULES,
    JARO_WINKLER,
    MIN_EDIT_LENGTH,
    WORST_RANK,
    NameOutcome,
    family_term,
    given_term,
)
from reunify.matching.prepared import FamilyName, GivenToken

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
_W = TypeVar("_W", GivenToken, FamilyName)

_TF = [rule.tf for rule in GIVEN_RULES] + [rule.tf for rule in FAMILY_RULES]
if _TF != [True] + [False] * 5 + [True] + [False] * 4:
    raise RuntimeError("name_batch: only the exact rules may carry a term")  # pragma: no cover


class NameSides(Protocol):
    """What ``compare_names`` reads of a side (a ``PreparedRecord`` has it too)."""

    @property
    def given(self) -> tuple[GivenToken, ...]: ...
    @property
    def family(self) -> tuple[FamilyName, ...]: ...
    @property
    def swap_given(self) -> tuple[GivenToken, ...]: ...
    @property
    def swap_family(self) -> tuple[FamilyName, ...]: ...


class _Words(Generic[_W]):
    """The distinct words of one kind, numbered by their text (a word's features are a
    function of its text: ``prepared.given_token`` and ``family_name``)."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.items: list[_W] = []
        # The sides' tuples of words are shared (``prepared`` caches them by name), so
        # each is numbered once; by identity, as they stay alive while being compared.
        self._seen: dict[int, list[int]] = {}

    def ids(self, words: tuple[_W, ...]) -> list[int]:
        found = self._seen.get(id(words))
        if found is None:
            found = self._seen[id(words)] = self._number(words)
        return found

    def _number(self, words: Iterable[_W]) -> list[int]:
        number = self.number
        out = []
        for word in words:
            i = number.get(word.text)
            if i is None:
                i = number[word.text] = len(self.items)
                self.items.append(word)
            out.append(i)
        return out

    def codes(self, value: Callable[[_W], str]) -> tuple[Ints, Ints]:
        """Each word's ``value`` as an integer code (equal values, equal codes) and length."""
        seen: dict[str, int] = {}
        values = [value(w) for w in self.items]
        codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int64, len(values))
        return codes, np.fromiter(map(len, values), np.int64, len(values))


def _csr(lists: list[list[int]]) -> tuple[Ints, Ints]:
    """Lists of word ids as offsets and one flat array."""
    offsets = np.zeros(len(lists) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, lists), np.int64, len(lists)), out=offsets[1:])
    flat = np.fromiter(chain.from_iterable(lists), np.int64, int(offsets[-1]))
    return offsets, flat


class _Spread:
    """One ``best_rule`` call's pairs of words for every pair of sides, in its order."""

    def __init__(self, left: tuple[Ints, Ints], right: tuple[Ints, Ints], a: Ints, b: Ints):
        (lo, lf), (ro, rf) = left, right
        nl, nr = lo[a + 1] - lo[a], ro[b + 1] - ro[b]
        self.counts = nl * nr
        self.block = np.repeat(np.arange(len(a), dtype=np.int64), self.counts)
        self.starts = np.cumsum(self.counts) - self.counts
        within = np.arange(len(self.block), dtype=np.int64) - self.starts[self.block]
        width = nr[self.block]
        self.left = lf[lo[a][self.block] + within // width]
        self.right = rf[ro[b][self.block] + within % width]


def _set(size: int, where: Ints, passed: Bools) -> Bools:
    out = np.zeros(size, np.bool_)
    out[where[passed]] = True
    return out


class _Rules(Generic[_W]):
    """The first rule each distinct pair of words passes, tested on arrays."""

    def __init__(self, words: _Words[_W], text: Callable[[_W], str]) -> None:
        self.words: _Words[_W] = words
        self.text = [text(w) for w in words.items]  # what the edit and spelling bands read
        self.length = np.fromiter(map(len, self.text), np.int64, len(self.text))

    def first(self, a: Ints, b: Ints) -> Ints:
        """``first_rule`` of each pair (a[i], b[i]) of word ids, tested once per distinct
        pair of words."""
        n = max(1, len(self.words.items))
        keys, inverse = np.unique(a * n + b, return_inverse=True)
        levels = self._first(keys // n, keys % n)
        out: Ints = levels[inverse.reshape(-1)]
        return out

    def _first(self, a: Ints, b: Ints) -> Ints:
        raise NotImplementedError

    def _strings(self, a: Ints, b: Ints, where: Ints) -> tuple[list[str], list[str]]:
        text = self.text
        return [text[i] for i in a[where].tolist()], [text[i] for i in b[where].tolist()]

    def _edit(self, a: Ints, b: Ints, todo: Bools) -> Bools:
        """One edit apart (OSA), for words of at least ``MIN_EDIT_LENGTH`` letters."""
        long = np.minimum(self.length[a], self.length[b]) >= MIN_EDIT_LENGTH
        where = np.flatnonzero(todo & long)
        if not len(where):
            return np.zeros(len(a), np.bool_)
        left, right = self._strings(a, b, where)
        distance = cpdist(left, right, scorer=OSA.distance, score_cutoff=1, dtype=np.int64)
        return _set(len(a), where, distance <= 1)

    def _jaro(self, a: Ints, b: Ints, todo: Bools) -> Bools:
        where = np.flatnonzero(todo)
        if not len(where):
            return np.zeros(len(a), np.bool_)
        left, right = self._strings(a, b, where)
        similarity = cpdist(
            left, right, scorer=JaroWinkler.similarity, score_cutoff=JARO_WINKLER,
            dtype=np.float64,  # float32 would round 0.8999 up to the band
        )  # fmt: skip
        return _set(len(a), where, similarity >= JARO_WINKLER)

    def _sets(self, a: Ints, b: Ints, todo: Bools, test: Callable[[_W, _W], bool]) -> Bools:
        where = np.flatnonzero(todo)
        items = self.words.items
        pairs = zip(a[where].tolist(), b[where].tolist(), strict=True)
        found = [test(items[i], items[j]) for i, j in pairs]
        return _set(len(a), where, np.array(found, np.bool_))


def _select(tests: Sequence[Bools], size: int) -> Ints:
    """The position of the first test passed, ``len(tests)`` if none."""
    out = np.full(size, len(tests), np.int64)
    for k in range(len(tests) - 1, -1, -1):
        out[tests[k]] = k
    return out


def _rule(rules: Sequence[Rule[_W]], name: str) -> Callable[[_W, _W], bool]:
    """A rule's own test, for the tests that stay in Python (sets of names)."""
    return next(rule.test for rule in rules if rule.name == name)


_NICKNAME = _rule(GIVEN_RULES, "nickname")
_COMPOUND_PART = _rule(FAMILY_RULES, "compound_part")


class _GivenRules(_Rules[GivenToken]):
    """``name_levels.GIVEN_RULES``, in order."""

    def __init__(self, words: _Words[GivenToken]) -> None:
        super().__init__(words, lambda w: w.text)
        items = words.items
        self.initial = np.fromiter((w.is_initial for w in items), np.bool_, len(items))
        self.lead = np.fromiter((ord(w.text[0]) for w in items), np.int64, len(items))
        self.metaphone = words.codes(lambda w: w.metaphone)
        self.nysiis = words.codes(lambda w: w.nysiis)
        self.skeleton = words.codes(lambda w: w.skeleton)

    def _first(self, a: Ints, b: Ints) -> Ints:
        initial = self.initial
        words = ~initial[a] & ~initial[b]
        exact = (a == b) & ~initial[a]
        (mc, ml), (nc, nl), (sc, sl) = self.metaphone, self.nysiis, self.skeleton
        phonetic = words & (
            ((mc[a] == mc[b]) & (ml[a] >= 2))
            | ((nc[a] == nc[b]) & (nl[a] >= 4))
            | ((sc[a] == sc[b]) & (sl[a] >= 4))
        )
        # Nicknames rank above sounds: tested wherever no exact match decided already.
        nickname = self._sets(a, b, words & ~exact, _NICKNAME)
        decided = exact | nickname | phonetic
        edit = self._edit(a, b, ~decided)
        jaro = self._jaro(a, b, words & ~decided & ~edit)
        lead = (initial[a] | initial[b]) & (self.lead[a] == self.lead[b])
        return _select((exact, nickname, phonetic, edit, jaro, lead), len(a))


class _FamilyRules(_Rules[FamilyName]):
    """``name_levels.FAMILY_RULES``, in order (they read ``compact``)."""

    def __init__(self, words: _Words[FamilyName]) -> None:
        super().__init__(words, lambda w: w.compact)
        self.compact = words.codes(lambda w: w.compact)[0]
        self.metaphone = words.codes(lambda w: w.metaphone)
        self.skeleton = words.codes(lambda w: w.skeleton)

    def _first(self, a: Ints, b: Ints) -> Ints:
        exact = self.compact[a] == self.compact[b]
        (mc, ml), (sc, sl) = self.metaphone, self.skeleton
        phonetic = ((mc[a] == mc[b]) & (ml[a] >= 2)) | ((sc[a] == sc[b]) & (sl[a] >= 4))
        decided = exact | phonetic
        edit = self._edit(a, b, ~decided)
        decided |= edit
        jaro = self._jaro(a, b, ~decided)
        part = self._sets(a, b, ~decided & ~jaro, _COMPOUND_PART)
        return _select((exact, phonetic, edit, jaro, part), len(a))


def _best(
    rules: _Rules[Any], spread: _Spread, size: int, term: Callable[[Any], str]
) -> tuple[Ints, list[str | None]]:
    """``best_rule`` for each pair of sides: -1 when a side has no word, ``len(rules)`` when
    no rule passes; for an exact match the first exactly agreeing left word's term."""
    best = np.full(size, -1, np.int64)
    terms: list[str | None] = [None] * size
    if not len(spread.left):
        return best, terms
    level = rules.first(spread.left, spread.right)
    full = np.flatnonzero(spread.counts)
    best[full] = np.minimum.reduceat(level, spread.starts[full])
    exact = np.flatnonzero(level == 0)
    blocks, first = np.unique(spread.block[exact], return_index=True)
    items = rules.words.items
    for block, word in zip(blocks.tolist(), spread.left[exact[first]].tolist(), strict=True):
        terms[block] = term(items[word])
    return best, terms


def _rank(given: Ints, family: Ints) -> Ints:
    """``name_levels._rank`` as one integer, lower is better."""
    g = np.where((given >= 0) & (given < len(GIVEN_RULES)), given, WORST_RANK)
    f = np.where((family >= 0) & (family < len(FAMILY_RULES)), family, WORST_RANK)
    out: Ints = (g + f) * (2 * WORST_RANK + 1) + f
    return out


def compare_many(sides: Sequence[NameSides], left: Ints, right: Ints) -> list[NameOutcome]:
    """``compare_names(sides[left[i]], sides[right[i]])`` for each i."""
    size = len(left)
    given: _Words[GivenToken] = _Words()
    family: _Words[FamilyName] = _Words()
    entered_g = _csr([given.ids(s.given) for s in sides])
    entered_f = _csr([family.ids(s.family) for s in sides])
    swap_g = _csr([given.ids(s.swap_given) for s in sides])
    swap_f = _csr([family.ids(s.swap_family) for s in sides])
    g_rules, f_rules = _GivenRules(given), _FamilyRules(family)
    results = []
    for (gl, gr), (fl, fr) in (  # compare_names's order: as entered, left swapped, right
        ((entered_g, entered_g), (entered_f, entered_f)),
        ((swap_g, entered_g), (swap_f, entered_f)),
        ((entered_g, swap_g), (entered_f, swap_f)),
    ):
        g, g_terms = _best(g_rules, _Spread(gl, gr, left, right), size, given_term)
        f, f_terms = _best(f_rules, _Spread(fl, fr, left, right), size, family_term)
        results.append((g, g_terms, f, f_terms))
    choice = np.zeros(size, np.int64)
    best_rank = _rank(results[0][0], results[0][2])
    for k in (1, 2):  # a swap must agree strictly better
        rank = _rank(results[k][0], results[k][2])
        better = rank < best_rank
        choice[better] = k
        best_rank = np.where(better, rank, best_rank)
    columns = [(g.tolist(), g_terms, f.tolist(), f_terms) for g, g_terms, f, f_terms in results]
    return [
        NameOutcome(columns[k][0][i], columns[k][1][i], columns[k][2][i], columns[k][3][i], k > 0)
        for i, k in enumerate(choice.tolist())
    ]
