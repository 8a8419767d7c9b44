"""Rendering (and parsing) in worker processes: ``render_outputs`` and ``parse_files``.

Owns the parallel part of a build and nothing else: which outputs are up to date
by fingerprint, rendering the others, and staging the bytes that differ from what
is in the output folder. :mod:`archivesite.build` decides what to build and
commits the staged files.

Workers are forked after the plan is made where that is safe (no other thread in
the process, as in ``archivesite build``): they inherit the plan, the last build's
record and the compiled templates, so nothing is pickled on the way in and
fingerprinting runs in parallel too. With ``jobs`` processes, ``jobs - 1`` are
forked and the builder renders as the last one. Each process renders its own share
of the outputs in the plan's time order, in chunks taken from a shared table, then
helps with the share with most left (see :func:`_forked`): a page of the heap that
any process touches after the fork (reference counts are writes) is copied, so each
process should touch its own stretch of the archive. Results come back packed
(:class:`Outcomes`). Where other threads run (the preview server), forking could
inherit a lock some thread holds, so workers come from a fork server and each batch
of outputs is pickled to them.

Each output is one of three results: ``KEPT`` (its fingerprint and its file are
as the last build left them; nothing rendered), ``SAME`` (rendered; the bytes
equal the file's, which is left alone so its mtime stays) or ``WRITTEN``
(staged). Staged bytes are appended to one pack file per process in ``staging``
(far cheaper than a small file each), and the result says where
they are, for the builder to put them in place; in ``tree`` mode (the output
folder does not exist yet) each file is written at its own path in ``staging``,
the builder renaming the whole folder into place at the end.
"""

from __future__ import annotations

import array
import concurrent.futures
import functools
import gc
import hashlib
import logging
import multiprocessing
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .caches import BodyCache
from .config import Config
from .errors import ArchiveError, raise_all
from .files import stat_of
from .fingerprints import Fingerprinter, output_data, output_fingerprint
from .load import load_article
from .model import Article, Output
from .record import OutputRecord
from .render import prepare, render

if TYPE_CHECKING:
    from .related import Features

log = logging.getLogger(__name__)

KEPT, SAME, WRITTEN = "kept", "same", "written"

# Below this many outputs, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 500
# Below this many files to parse, starting worker processes costs more than it saves.
PARSE_THRESHOLD = 1000


class StagedBytes(NamedTuple):
    """Where a WRITTEN file's bytes are: in a pack file of the staging folder."""

    pack: str
    offset: int
    size: int


Staged = StagedBytes | None  # None in tree mode, where the file is at its own path


class Result(NamedTuple):
    """What processing one output found."""

    position: int  # the output's index in the plan
    fingerprint: str
    sha256: str  # of the file's bytes
    how: str  # KEPT, SAME or WRITTEN
    data: str  # the output data digest (fingerprints.output_data)
    staged: Staged  # where the bytes of a WRITTEN file are


Progress = Callable[[int, int], None]  # (outputs done so far, outputs in all)


@dataclass(frozen=True)
class RenderJob:
    """What every worker needs besides its outputs."""

    out: str  # the output folder
    staging: str  # where changed files go
    tree: bool  # staging becomes the output folder: write files at their paths
    force: bool  # render and stage everything (``--clean``)
    key: str  # fingerprints.render_key of the site
    templates: Mapping[str, str]  # template name -> digest of its closure
    copies: Mapping[str, str]  # static source -> digest
    bodies_path: str  # the body HTML cache
    same_plan: bool = False  # the plan is the last build's: its recorded output data holds
    loads: tuple[str, ...] = ()  # every template the closures hold, where known


def fork_is_safe() -> bool:
    """Forking copies only the calling thread: safe while no other thread runs."""
    return (
        os.name == "posix"
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def _fingerprint(
    output: Output,
    known: Mapping[str, OutputRecord],
    job: RenderJob,
    fingerprinter: Fingerprinter,
    base: str,
) -> tuple[str, str, OutputRecord | None, bool]:
    """(fingerprint, output data, the last build's record of the file, whether the file is
    as it left it)."""
    rec = None if job.force or job.tree else known.get(output.path)
    if job.same_plan and rec is not None and rec.data:
        data = rec.data
    else:
        data = output_data(output, job.key, fingerprinter, job.copies)
    fp = output_fingerprint(data, output, job.templates)
    untouched = rec is not None and stat_of(base + output.path) == (rec.size, rec.mtime_ns)
    return fp, data, rec, untouched


def _process(
    outputs: Sequence[Output],
    indices: Iterable[int],
    known: Mapping[str, OutputRecord],
    job: RenderJob,
    bodies: BodyCache | None,
    made: set[str],
    fingerprinter: Fingerprinter | None = None,
) -> list[Result | ArchiveError]:
    """Fingerprint each output (``indices``: their indices in the plan); render those not
    known up to date; stage what changed."""
    fingerprinter = fingerprinter or Fingerprinter()
    base = job.out + os.sep
    results: list[Result | ArchiveError] = []
    for output, index in zip(outputs, indices, strict=True):
        try:
            fp, fpdata, rec, untouched = _fingerprint(output, known, job, fingerprinter, base)
            if rec is not None and untouched and rec.fingerprint == fp:
                results.append(Result(index, fp, rec.sha256, KEPT, fpdata, None))
                continue
            rendered = render(output, bodies)
            data = rendered.data
            digest = hashlib.sha256(data).hexdigest()
            if not job.force and not job.tree:
                if rec is not None and untouched:
                    same = rec.sha256 == digest
                else:  # no record of this file: compare with what is there
                    same = _same_bytes(base + output.path, data)
                if same:
                    results.append(Result(index, fp, digest, SAME, fpdata, None))
                    continue
            staged = _stage(output.path, data, job, made)
            results.append(Result(index, fp, digest, WRITTEN, fpdata, staged))
        except ArchiveError as exc:
            results.append(exc)
    return results


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):  # noqa: PTH116
            return False
        with open(path, "rb") as f:  # noqa: PTH123
            return f.read() == data
    except OSError:
        return False


def _stage(rel: str, data: bytes, job: RenderJob, made: set[str]) -> Staged:
    if not job.tree:
        return _pack(job.staging).append(data)
    target = os.path.join(job.staging, rel)  # noqa: PTH118
    folder = os.path.dirname(target)  # noqa: PTH120
    if folder not in made:
        os.makedirs(folder, exist_ok=True)  # noqa: PTH103
        made.add(folder)
    with open(target, "wb") as f:  # noqa: PTH123
        f.write(data)
    return None


class _Pack:
    """This process's pack file in a staging folder: staged files, one after another."""

    def __init__(self, staging: str) -> None:
        self.staging, self.pid = staging, os.getpid()
        self.name = f"{self.pid}-{secrets.token_hex(4)}.pack"  # a pid can be reused
        path = os.path.join(staging, self.name)  # noqa: PTH118
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        self.size = 0

    def append(self, data: bytes) -> Staged:
        offset, view = self.size, memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]
        self.size += len(data)
        return StagedBytes(self.name, offset, len(data))


_packs: list[_Pack] = []  # this process's open pack (one staging folder at a time)


def _pack(staging: str) -> _Pack:
    pack = _packs[0] if _packs else None
    if pack is not None and pack.staging == staging and pack.pid == os.getpid():
        return pack
    close_pack()
    _packs.append(_Pack(staging))
    return _packs[0]


def close_pack() -> None:
    """Close this process's pack file (one inherited by a fork is only forgotten)."""
    if _packs:
        pack = _packs.pop()
        if pack.pid == os.getpid():
            os.close(pack.fd)


# --- in the workers -----------------------------------------------------------------------

# Set in the parent just before forking: the plan, the record, the job, the chunks (ranges
# of ``order``) and the order in which the outputs are rendered.
_inherited: (
    tuple[
        Sequence[Output],
        Mapping[str, OutputRecord],
        RenderJob,
        list[tuple[int, int]],
        Sequence[int],
    ]
    | None
) = None
# A multiprocessing Array: for each process's share of the chunks, the [lo, hi) of those
# not taken yet; and a Value handing each forked worker its share.
_shares: Any = None
_share_ids: Any = None
_my_share: tuple[int, int] | None = None  # in a forked worker: (pid, its share)
_bodies: dict[str, BodyCache] = {}
_made: set[str] = set()
# One per forked worker: its memo (by object identity) holds for the inherited plan.
_fingerprinter = Fingerprinter()


def _worker_bodies(path: str) -> BodyCache:
    bodies = _bodies.get(path)
    if bodies is None:
        bodies = _bodies[path] = BodyCache(Path(path))
    return bodies


def _forked_task(_: int) -> tuple[list[Result | ArchiveError], list[tuple[str, str]]]:
    """In a forked worker: the next chunk of its share (or another's), if one is left."""
    global _my_share
    if _my_share is None or _my_share[0] != os.getpid():
        with _share_ids.get_lock():  # (a worker the pool starts again takes another's)
            _my_share = (os.getpid(), _share_ids.value % (len(_shares) // 2))
            _share_ids.value += 1
    chunk = _take_chunk(_my_share[1])
    if chunk is None:
        return [], []
    assert _inherited is not None
    known, job = _inherited[1], _inherited[2]
    bodies = _worker_bodies(job.bodies_path)
    results = _process(chunk[1], chunk[0], known, job, bodies, _made, _fingerprinter)
    return results, bodies.take()


def _sent_task(
    outputs: list[Output],
    indices: list[int],
    known: dict[str, OutputRecord],
    job: RenderJob,
) -> tuple[list[Result | ArchiveError], list[tuple[str, str]]]:
    """In a fork-server worker: a batch of outputs sent with their records."""
    bodies = _worker_bodies(job.bodies_path)
    results = _process(outputs, indices, known, job, bodies, _made)
    return results, bodies.take()


# --- in the builder -----------------------------------------------------------------------


def render_outputs(
    outputs: Sequence[Output],
    known: Mapping[str, OutputRecord],
    job: RenderJob,
    *,
    jobs: int,
    bodies: BodyCache,
    progress: Progress | None = None,
    order: Sequence[int] | None = None,
) -> Outcomes:
    """Process every output, with up to ``jobs`` processes; all errors are raised
    together at the end, after every output was tried. ``order``: the outputs' indices
    in the order that keeps outputs showing the same articles together (the plan's time
    order), which forked workers split into one share each."""
    total = len(outputs)
    outcomes: Outcomes | None = None
    errors: list[ArchiveError] = []
    done = 0
    try:
        for results, new_bodies in _batches(outputs, known, job, jobs, bodies, order):
            if outcomes is None:  # made once the workers have forked: never shared with them
                outcomes = Outcomes(total)
            for r in results:
                if isinstance(r, ArchiveError):
                    errors.append(r)
                else:
                    outcomes.add(r)
            done += len(results)
            bodies.add(new_bodies)
            if progress is not None:
                progress(done, total)
    finally:
        close_pack()
    distinct: dict[object, ArchiveError] = {}
    for e in errors:
        distinct.setdefault(e.key, e)  # each error once, with the first page it was on
    raise_all(list(distinct.values()))
    outcomes = outcomes or Outcomes(total)
    log.debug("%d of %d outputs rendered", outcomes.rendered(), total)
    return outcomes


def _batches(
    outputs: Sequence[Output],
    known: Mapping[str, OutputRecord],
    job: RenderJob,
    jobs: int,
    bodies: BodyCache,
    order: Sequence[int] | None = None,
) -> Iterator[Batch]:
    """The results of every output, a batch at a time, from wherever they are rendered."""
    if jobs > 1 and len(outputs) >= PARALLEL_THRESHOLD:
        if fork_is_safe():
            yield from _forked(outputs, known, job, jobs, order or range(len(outputs)), bodies)
            return
        # Fingerprint here, so that only outputs to render are sent to the fork server.
        fingerprinter = Fingerprinter()
        base = job.out + os.sep
        kept: list[Result | ArchiveError] = []
        todo: list[Output] = []
        todo_indices: list[int] = []
        for index, output in enumerate(outputs):
            fp, fpdata, rec, untouched = _fingerprint(output, known, job, fingerprinter, base)
            if rec is not None and untouched and rec.fingerprint == fp:
                kept.append(Result(index, fp, rec.sha256, KEPT, fpdata, None))
            else:
                todo.append(output)
                todo_indices.append(index)
        yield kept, []
        if len(todo) >= PARALLEL_THRESHOLD:
            yield from _served(todo, todo_indices, known, job, jobs, _ranges(len(todo), jobs))
            return
        fingerprinter = Fingerprinter()
        made: set[str] = set()
        for lo in range(0, len(todo), 100):
            part = todo[lo : lo + 100]
            indices = todo_indices[lo : lo + 100]
            yield _process(part, indices, known, job, bodies, made, fingerprinter), []
        return
    fingerprinter = Fingerprinter()
    made = set()
    for lo in range(0, len(outputs), 100):
        hi = min(lo + 100, len(outputs))
        chunk = outputs[lo:hi]
        yield _process(chunk, range(lo, hi), known, job, bodies, made, fingerprinter), []


def _ranges(total: int, jobs: int) -> list[tuple[int, int]]:
    size = max(20, min(200, total // (jobs * 8)))
    return [(lo, min(lo + size, total)) for lo in range(0, total, size)]


Batch = tuple[list[Result | ArchiveError], list[tuple[str, str]]]  # results, new bodies


def _forked(
    outputs: Sequence[Output],
    known: Mapping[str, OutputRecord],
    job: RenderJob,
    jobs: int,
    order: Sequence[int],
    bodies: BodyCache,
) -> Iterator[Batch]:
    """``jobs - 1`` forked workers, which inherit the plan, and this process render it.

    A forked worker copies every page of the builder's heap it touches (reference counts
    are writes), and the builder its own, so a page both touch is there twice. So each
    process renders its own share of the outputs in ``order`` (time order: a share shows
    its own stretch of the archive, whose articles lie together in the heap), in chunks
    taken from a shared table; even shares are walked forwards, odd ones backwards, and
    a process done with its share takes chunks from the share with most left, at the
    end its owner reaches last. The builder renders the last share rather than wait: one
    fewer worker is that much less memory for the same number of processes."""
    global _inherited, _shares, _share_ids
    context = multiprocessing.get_context("fork")
    chunks = _ranges(len(order), jobs)
    per = len(chunks) / jobs
    bounds = [round(k * per) for k in range(jobs + 1)]
    _shares = context.Array("i", [b for k in range(jobs) for b in (bounds[k], bounds[k + 1])])
    _share_ids = context.Value("i", 0)
    _inherited = (outputs, known, job, chunks, order)
    if outputs:
        if job.loads:
            prepare(outputs[0].site, job.loads, closed=True)
        else:
            prepare(outputs[0].site, job.templates)
    gc.freeze()  # the workers' collector leaves the inherited objects (and their pages) alone
    try:
        # The builder runs without the cyclic collector (see build.build); a worker
        # collects the few cycles Python-Markdown leaves per body, among its own objects.
        with context.Pool(jobs - 1, initializer=gc.enable) as pool:
            gc.unfreeze()
            pending = len(chunks)  # one task per chunk: each takes the next, or none
            found = pool.imap_unordered(_forked_task, range(pending))
            made: set[str] = set()
            fingerprinter = Fingerprinter()
            mine: tuple[Sequence[int], list[Output]] | None = (), []
            while pending:
                if mine is not None:
                    mine = _take_chunk(jobs - 1)
                    if mine is not None:
                        indices, part = mine
                        yield _process(part, indices, known, job, bodies, made, fingerprinter), []
                while pending:  # the workers' results so far (all of them once mine are done)
                    try:
                        batch = found.next(timeout=None if mine is None else 0)
                    except multiprocessing.TimeoutError:
                        break
                    pending -= 1
                    if batch[0]:
                        yield batch
    finally:
        _inherited = _shares = _share_ids = None
        gc.unfreeze()


def _take_chunk(me: int) -> tuple[Sequence[int], list[Output]] | None:
    """The next chunk of share ``me`` (or, that done, of the share with most left), for
    whichever process asks: its outputs' indices and the outputs; None when every chunk
    is taken."""
    assert _inherited is not None and _shares is not None
    outputs, _, _, chunks, order = _inherited
    with _shares.get_lock():
        table = _shares
        share = me
        if table[2 * me] >= table[2 * me + 1]:  # mine are done: the share with most left
            left = [table[2 * k + 1] - table[2 * k] for k in range(len(table) // 2)]
            share = max(range(len(left)), key=left.__getitem__)
            if left[share] <= 0:
                return None
        forwards = share % 2 == 0
        if (share == me) == forwards:  # an even share's owner, or a thief of an odd share
            c = table[2 * share]
            table[2 * share] = c + 1
        else:
            c = table[2 * share + 1] - 1
            table[2 * share + 1] = c
    lo, hi = chunks[c]
    indices = order[lo:hi]
    return indices, [outputs[i] for i in indices]


def _served(
    outputs: Sequence[Output],
    indices: Sequence[int],
    known: Mapping[str, OutputRecord],
    job: RenderJob,
    jobs: int,
    ranges: list[tuple[int, int]],
) -> Iterator[Batch]:
    """Workers from a fork server are sent batches of outputs (pickled)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["archivesite.workers"])
    batches = iter(ranges)
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        pending: set[concurrent.futures.Future[Any]] = set()
        while True:  # at most two batches per worker in flight: memory stays bounded
            for lo, hi in batches:
                part = outputs[lo:hi]
                mine = {o.path: known[o.path] for o in part if o.path in known}
                pending.add(pool.submit(_sent_task, list(part), list(indices[lo:hi]), mine, job))
                if len(pending) >= 2 * jobs:
                    break
            if not pending:
                break
            done, pending = concurrent.futures.wait(
                pending, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                yield future.result()


_CODE = {KEPT: 1, SAME: 2, WRITTEN: 3}
_HOW = ("", KEPT, SAME, WRITTEN)


class Outcomes:
    """What processing found for each output of a plan, by its index, packed: a code for
    KEPT, SAME or WRITTEN, the fingerprint, file digest and output data digest as 96 raw
    bytes, and where a WRITTEN file is staged (a fifth of what tuples of hex strings take)."""

    def __init__(self, total: int) -> None:
        self.codes = bytearray(total)
        self.digests = bytearray(96 * total)
        self.odd: dict[int, tuple[str, str, str]] = {}  # digests that are not sha256 hex
        self.packs: list[str] = []  # the pack files' names, by number
        self._pack_numbers: dict[str, int] = {}
        self.pack_of = array.array("i", [-1]) * total
        self.offsets = array.array("q", [0]) * total
        self.sizes = array.array("q", [0]) * total

    def add(self, result: Result) -> None:
        index, fp, sha, how, data, staged = result
        self.codes[index] = _CODE[how]
        try:
            raw = bytes.fromhex(fp + sha + data)
        except ValueError:
            raw = b""
        if len(raw) == 96:
            self.digests[96 * index : 96 * index + 96] = raw
        else:  # a record from elsewhere, such as an older or damaged one
            self.odd[index] = (fp, sha, data)
        if staged is not None:
            name, offset, size = staged
            number = self._pack_numbers.get(name)
            if number is None:
                number = self._pack_numbers[name] = len(self.packs)
                self.packs.append(name)
            self.pack_of[index] = number
            self.offsets[index], self.sizes[index] = offset, size

    def __len__(self) -> int:
        return len(self.codes)

    def how(self, index: int) -> str:
        return _HOW[self.codes[index]]

    def digests_of(self, index: int) -> tuple[str, str, str]:
        """(fingerprint, sha256 of the file's bytes, output data digest) of one output."""
        odd = self.odd.get(index)
        if odd is not None:
            return odd
        text = self.digests[96 * index : 96 * index + 96].hex()
        return text[:64], text[64:128], text[128:]

    def staged(self, index: int) -> Staged:
        pack = self.pack_of[index]
        if pack < 0:
            return None
        return StagedBytes(self.packs[pack], self.offsets[index], self.sizes[index])

    def written(self) -> list[int]:
        """The indices of the outputs staged (in plan order)."""
        code = _CODE[WRITTEN]
        return [i for i, c in enumerate(self.codes) if c == code]

    def rendered(self) -> int:
        """How many outputs were rendered (not known up to date)."""
        return len(self.codes) - self.codes.count(_CODE[KEPT])


# --- parsing content files ------------------------------------------------------------------

_parse_config: Config | None = None


def _parse_task(paths: list[str]) -> list[tuple[str, str, Article, Features | None]]:
    """In a forked worker: parse files; a bad file is left for the builder to report."""
    assert _parse_config is not None
    found: list[tuple[str, str, Article, bytes]] = []
    for path in paths:
        try:
            with open(path, "rb") as f:  # noqa: PTH123
                raw = f.read()
            article = load_article(Path(path), _parse_config, raw)
        except (OSError, ArchiveError):
            continue
        found.append((path, hashlib.sha256(raw).hexdigest(), article, raw))
    made = _features([(article, raw) for _, _, article, raw in found])
    return [(p, digest, a, f) for (p, digest, a, _), f in zip(found, made, strict=True)]


def _features(parsed: list[tuple[Article, bytes]]) -> list[Features | None]:
    """The related-coverage features of the dated articles' texts, made together where
    their bytes were just read (None for the others, and where related coverage is off)."""
    assert _parse_config is not None
    out: list[Features | None] = [None] * len(parsed)
    if not _parse_config.related.enabled:
        return out
    from .related import features_of_many

    dated = [n for n, (a, _) in enumerate(parsed) if a.kind == "article" and a.date is not None]
    texts = [parsed[n][1][parsed[n][0].body_offset :].decode("utf-8") for n in dated]
    for n, made in zip(dated, features_of_many(texts), strict=True):
        out[n] = made
    return out


def parse_files(
    config: Config, paths: Sequence[str], jobs: int
) -> Iterator[tuple[str, str, Article, Features | None]]:
    """Parse content files in ``jobs`` forked processes: (path, sha256 of the bytes
    parsed, Article, the related-coverage features of its text where related coverage
    is on) of the good ones; the builder parses the others again itself, to report them
    with every other error. Nothing where forking is not safe or not worth it."""
    global _parse_config
    if not forking_pays(jobs, len(paths), PARSE_THRESHOLD):
        return
    if config.related.enabled:
        from . import wordscan  # imported once, with its tables, before the workers fork

        wordscan.prepare()
    _parse_config = config
    try:
        for _, found in map_forked(_parse_task, paths, jobs, sizes=(50, 500), ordered=False):
            yield from found
    finally:
        _parse_config = None


# --- forked processes for any stage -------------------------------------------------------

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def forking_pays(jobs: int, items: int, threshold: int) -> bool:
    """Whether forked workers are safe here and worth starting for ``items`` items."""
    return jobs > 1 and items >= threshold and fork_is_safe()


def map_forked(
    task: Callable[[list[T]], R],
    items: Sequence[T],
    jobs: int,
    *,
    sizes: tuple[int, int] = (20, 200),
    ordered: bool = True,
) -> Iterator[tuple[list[T], R]]:
    """``task`` over chunks of ``items`` in ``jobs`` forked processes, which inherit what
    the caller set up before (``task`` is sent by reference): each chunk with its
    result, in order where ``ordered``. Chunks hold between ``sizes`` items, about four
    per process."""
    low, high = sizes
    size = max(low, min(high, len(items) // (jobs * 4)))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        run = functools.partial(_indexed, task)
        found = (
            pool.imap(run, enumerate(chunks))
            if ordered
            else pool.imap_unordered(run, enumerate(chunks))
        )
        for i, result in found:
            yield chunks[i], result


def _indexed(task: Callable[[list[T]], R], item: tuple[int, list[T]]) -> tuple[int, R]:
    i, chunk = item
    return i, task(chunk)
