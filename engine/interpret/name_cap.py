"""The cap on names a step records: past MAX_NAMED_TENSORS a step keeps the names its
statement is about (with their bases and origins) and the newest, and says the rest once."""

from __future__ import annotations

import ast
from collections import Counter
from functools import lru_cache
from itertools import islice

import torch

from stridescope.engine.interpret.reach import MISSING
from stridescope.engine.model.state import Produced, TensorState

MAX_NAMED_TENSORS = 256  # tensors recorded per step (the newest names)


@lru_cache(maxsize=4096)  # a step asks twice; a long script's loop asks again and again
def spelled_names(statement: ast.stmt) -> tuple[str, ...]:
    """The names a statement spells, in walk order."""
    return tuple(n.id for n in ast.walk(statement) if isinstance(n, ast.Name))


def _first_namer(live: dict[str, torch.Tensor], first_names: dict[int, str | None]):
    """The first name of a tensor in `live`, remembered in `first_names` (bases are few and
    named early: found by a short scan)."""
    def first_name(obj: torch.Tensor) -> str | None:
        key = id(obj)
        if key not in first_names:
            first_names[key] = next((n for n, t in live.items() if t is obj), None)
        return first_names[key]
    return first_name


def _with_sources(names, live: dict[str, torch.Tensor], origins: dict[str, Produced],
                  first_name, kept: set[str] | frozenset[str] = frozenset(),
                  sources: set[str] | None = None) -> set[str]:
    """The live ones of `names` with the first names of their bases and their origins'
    sources, and theirs, less what `kept` holds; `sources` gathers those bases and origins."""
    chain, todo = set(), list(names)
    while todo:
        n = todo.pop()
        if n in chain or n in kept or n not in live:
            continue
        chain.add(n)
        base = live[n]._base
        origin = origins.get(n)
        for source in (None if base is None else first_name(base),
                       None if origin is None else origin.source):
            if source is not None:
                todo.append(source)
                if sources is not None:
                    sources.add(source)
    return chain


def kept_tensors(statement: ast.stmt, live: dict[str, torch.Tensor],
                  origins: dict[str, Produced], known: dict[str, TensorState] | None = None,
                  changed: tuple[set[str], set[str]] = (set(), set())
                  ) -> dict[str, torch.Tensor]:
    """The tensors a step records: all of them, or past MAX_NAMED_TENSORS (many names x many
    steps would grow without bound in the window) every tensor the statement names, the
    named bases and origins of those, then the newest names; a kept tensor's base and origin
    are kept with it, so no picture says "name deleted" of a name that is only left out.
    `known`: the last step's states, in namespace order (a step that spelled only its names:
    none was moved); for a name the statement did not spell (not in changed[1]) base_name is
    still the first name of its base unless that name was rebound (in changed[0])."""
    renamed, spelled = changed
    if len(live) <= MAX_NAMED_TENSORS:
        return live
    first_names: dict[int, str | None] = {}
    first_name = _first_namer(live, first_names)
    kept: set[str] = set()

    def with_sources(name: str) -> set[str]:
        return _with_sources((name,), live, origins, first_name, kept)

    for name in spelled_names(statement):
        kept |= with_sources(name)
    known = known or {}
    for name in reversed(live):  # ~MAX_NAMED_TENSORS turns a step: kept lean
        if name in kept:
            continue
        if len(kept) >= MAX_NAMED_TENSORS:
            break
        state = known.get(name)
        if state is not None and name not in spelled and state.base_name not in renamed:
            base_name, origin = state.base_name, state.origin  # as they were: not spelled
        else:
            origin = origins.get(name)
            base = live[name]._base
            base_name = None if base is None else first_names.get(id(base), MISSING)
            if base_name is MISSING:
                base_name = first_name(base)
        source = None if origin is None else origin.source
        if ((base_name is None or base_name in kept)
                and (source is None or source in kept or source not in live)):
            kept.add(name)  # its sources are kept already: the chain is the name alone
            continue
        chain = with_sources(name)
        if len(kept) + len(chain) <= MAX_NAMED_TENSORS:
            kept |= chain
    if known:  # the last step's kept names keep their order; new ones are the newest?
        new = [n for n in kept if n not in known]
        tail = list(islice(reversed(live), len(new)))
        if set(tail) == set(new):
            return {**{n: live[n] for n in known if n in kept},
                    **{n: live[n] for n in reversed(tail)}}
    return {n: t for n, t in live.items() if n in kept}


def left_out_summary(live: dict[str, torch.Tensor], kept: dict[str, torch.Tensor],
                      labels: dict[int, int], keys: dict[str, int],
                      key_count: dict[int, int]) -> tuple[str, ...]:
    """One line per storage for the live tensors this step does not record (`key_count`:
    how many live names each storage has; the names shown are found from either end)."""
    if len(kept) == len(live):
        return ()
    kept_count = Counter(map(keys.__getitem__, kept))  # at C speed: this runs every step
    left = {k: c - kept_count.get(k, 0) for k, c in key_count.items()
            if c > kept_count.get(k, 0)}
    storages = len(left)

    def ends(key: int | None) -> tuple[str, str]:
        if key is None:
            return (next(n for n in live if n not in kept),
                    next(n for n in reversed(live) if n not in kept))
        return (next(n for n in live if n not in kept and keys[n] == key),
                next(n for n in reversed(live) if n not in kept and keys[n] == key))

    if storages > 3:  # many storages: one line for all
        groups = {0: (sum(left.values()), *ends(None))}
    else:
        groups = {labels[k]: (count, *ends(k)) for k, count in left.items()}
    lines = []
    for label, (count, first, last) in sorted(groups.items()):
        where = f"S{label}" if label else f"{storages:,} storages"
        shown = first if count == 1 else f"{first} … {last}"
        lines.append(f"RecorderLimit: +{count:,} more tensors on {where}: {shown} (not "
                     f"drawn or traced at this step; at most {MAX_NAMED_TENSORS} names a step)")
    return tuple(lines)


class NameCap:
    """kept_tensors step after step, with a fast path for a long script's common step: a
    statement that only adds names (nothing rebound or deleted) to a namespace past the cap.
    The full rule then keeps K (the names the statement spells, with their bases and
    origins) and the newest names down to a boundary b, |K ∪ live[b:]| = MAX_NAMED_TENSORS,
    so the fast path finds b from K's positions and costs what the statement adds instead
    of a walk over ~MAX_NAMED_TENSORS names. It answers exactly what the full rule answers
    (tests/engine/test_incremental.py); any step it cannot vouch for takes the full rule."""

    def __init__(self) -> None:
        self._kept: dict[str, torch.Tensor] = {}
        self._order: list[str] | None = None  # live names in namespace order, once needed
        self._position: dict[str, int] = {}
        self._boundary = 0  # the last step kept live[boundary:] and `_outside`
        self._outside: set[str] = set()
        self._sources: set[str] = set()  # every base and origin a kept name has had

    def kept(self, statement: ast.stmt, live: dict[str, torch.Tensor],
             origins: dict[str, Produced], known: dict[str, TensorState],
             changed: tuple[set[str], set[str]], previous_live: dict[str, torch.Tensor]
             ) -> dict[str, torch.Tensor]:
        """kept_tensors(statement, live, origins, known, changed), `previous_live` being the
        last step's live tensors."""
        kept = None
        if known and self._kept and len(previous_live) > MAX_NAMED_TENSORS:
            kept = self._appended(statement, live, origins, changed[0], previous_live, known)
        if kept is None:
            kept = kept_tensors(statement, live, origins, known, changed)
            self._order = None  # positions and the boundary are found again when needed
        self._kept = kept if len(kept) < len(live) else {}
        return kept

    def _appended(self, statement, live, origins, renamed, previous_live, known):
        """The fast path's answer, or None: not a step it can vouch for."""
        appeared = list(islice(reversed(live), len(renamed)))[::-1]
        if set(appeared) != renamed or any(n in previous_live for n in appeared):
            return None  # a name rebound or deleted (the namespace is not the last + new)
        if self._order is None and not self._index(previous_live, known):
            return None
        order, position = self._order, self._position
        for name in appeared:
            position[name] = len(order)
            order.append(name)
        spelled_chains = self._chains(statement, live, origins)
        if (len(spelled_chains) >= MAX_NAMED_TENSORS
                or any(n not in self._kept and n not in renamed for n in spelled_chains)
                or any(s in live and s not in spelled_chains for s in self._sources)):
            return None  # a source outside K (the full rule would keep it), or K reaches
            # names the last step left out: the full rule (kept() forgets the positions)
        count = len(order)
        outside_positions = sorted(position[n] for n in spelled_chains)
        boundary = count - MAX_NAMED_TENSORS
        while True:  # |K below b| + (count - b) = the cap; b only grows as it is found
            below = sum(1 for p in outside_positions if p < boundary)
            found = count - MAX_NAMED_TENSORS + below
            if found == boundary:
                break
            boundary = found
        if boundary < self._boundary:  # the newest names reach below the last step's
            return None
        gone = [n for n in (*self._outside, *order[self._boundary:boundary])
                if n not in spelled_chains]
        kept = self._kept.copy()
        for name in gone:
            kept.pop(name, None)
        for name in appeared:
            kept[name] = live[name]
        self._boundary = boundary
        self._outside = {n for n in spelled_chains if position[n] < boundary}
        return kept

    def _index(self, previous_live, known) -> bool:
        """Positions, boundary and sources of the last step's answer (after a full step)."""
        if len(known) != len(self._kept):
            return False
        self._order = list(previous_live)
        self._position = {n: i for i, n in enumerate(self._order)}
        boundary = len(self._order)
        while boundary and self._order[boundary - 1] in self._kept:
            boundary -= 1
        self._boundary = boundary
        self._outside = {n for n in self._kept if self._position[n] < boundary}
        self._sources = {s for state in known.values()
                         for s in (state.base_name, state.origin and state.origin.source)
                         if s is not None}
        return True

    def _chains(self, statement, live, origins) -> set[str]:
        """K: the names the statement spells, with the first names of their bases and their
        origins' sources, and theirs (each a source a kept name has)."""
        return _with_sources(spelled_names(statement), live, origins,
                             _first_namer(live, {}), sources=self._sources)
