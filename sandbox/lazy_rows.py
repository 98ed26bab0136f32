"""Rows of a read viewed only when a page asks for them (issue 23: the sandbox's own cost per
request must not grow with N).

A read's candidates (recipients, already narrowed by identity, type and the filter's own
``Name``/``Guid`` comparisons) are kept in order; a row is the candidate's view, built when a
page needs it. With a filter left to evaluate on the rows, candidates are viewed and tested in
order only as far as the pages asked for so far, so the next page resumes where the last stopped.
A page given ``$select`` names views only those properties when the view can (``selective``),
else trims the whole row: the wire result is the same either way.

Callers other than the paged InvokeCommand front end see a plain sequence: iterating or
indexing builds (and keeps) whole rows, which a caller may change in place.
"""


def trim(row, wanted):
    """``row`` narrowed to the ``wanted`` property names (lower case), in the row's order."""
    return {k: v for k, v in row.items() if k.lower() in wanted}


def wanted_names(select):
    """The lower-case property names of a ``$select`` value, or None for whole rows."""
    if not select:
        return None
    return frozenset(name.strip().lower() for name in select.split(",") if name.strip())


class LazyRows:
    """The rows of ``candidates`` under ``view``, built on demand.

    ``keep(candidate, row)``, when given, is the rest of the filter: a candidate whose whole row
    fails it is no row. ``selective``: ``view(candidate, wanted)`` builds only the ``wanted``
    properties (a frozenset of lower-case names, or None for all). ``limit`` caps the rows
    (ResultSize). ``views`` counts the views built, for tests and benchmarks.
    """

    def __init__(self, candidates, view, keep=None, selective=False):
        self._candidates = candidates
        self._view = view
        self._keep = keep
        self._selective = selective
        self._limit = None
        # Whole rows built so far; with ``keep`` these are the kept rows in order (_scanned
        # candidates looked at), else candidate i's row at index i (None until built).
        self._rows = [] if keep is not None else {}
        self._scanned = 0
        self.views = 0

    def _build(self, candidate, wanted=None):
        self.views += 1
        if self._selective:
            return self._view(candidate, wanted)
        row = self._view(candidate)
        return row if wanted is None else trim(row, wanted)

    def _scan(self, count):
        """With ``keep``: test candidates until ``count`` rows are kept or none is left."""
        rows, candidates = self._rows, self._candidates
        while len(rows) < count and self._scanned < len(candidates):
            candidate = candidates[self._scanned]
            self._scanned += 1
            row = self._build(candidate)
            if self._keep(candidate, row):
                rows.append(row)

    def more_than(self, count):
        """Whether there are more than ``count`` rows, building no more than that needs."""
        if self._limit is not None and count >= self._limit:
            return False
        if self._keep is None:
            return len(self._candidates) > count
        self._scan(count + 1)
        return len(self._rows) > count

    def limit(self, size):
        """Cap the rows at ``size`` (ResultSize)."""
        self._limit = size if self._limit is None else min(size, self._limit)

    def page(self, offset, size, wanted=None):
        """The rows ``offset`` to ``offset + size``, narrowed to ``wanted`` (see :func:`wanted_names`)."""
        end = offset + size if self._limit is None else min(offset + size, self._limit)
        if self._keep is not None:
            self._scan(end)
            rows = self._rows[offset:end]
            return rows if wanted is None else [trim(row, wanted) for row in rows]
        out = []
        for index in range(offset, min(end, len(self._candidates))):
            row = self._rows.get(index)
            if row is None:
                out.append(self._build(self._candidates[index], wanted))
            else:
                out.append(row if wanted is None else trim(row, wanted))
        return out

    def __len__(self):
        if self._keep is None:
            count = len(self._candidates)
        else:
            self._scan(float("inf") if self._limit is None else self._limit)
            count = len(self._rows)
        return count if self._limit is None else min(count, self._limit)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        if self._keep is not None:
            return self._rows[index]
        row = self._rows.get(index)
        if row is None:
            row = self._rows[index] = self._build(self._candidates[index])
        return row

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __eq__(self, other):
        return list(self) == list(other)

    __hash__ = None
