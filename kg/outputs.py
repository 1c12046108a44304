"""A build's outputs replaced as a set: a reader sees the old set or the new one, never a mix.

graph.ttl, graph.html and report.md are written into a staging folder and swapped in with
one rename.  In the output folder they are symbolic links into the current set::

    out/graph.ttl  -> .kg-builds/current/graph.ttl      (made once, never changed)
    out/graph.html -> .kg-builds/current/graph.html
    out/report.md  -> .kg-builds/current/report.md
    out/.kg-builds/current -> build-20240620T101500-k3j2    (replaced by one rename)
    out/.kg-builds/build-20240620T101500-k3j2/             (the complete set)

So at every instant each name resolves into the same set: before the first swap the
links lead nowhere (no outputs), after it to the new set.  A build killed at any point
leaves the previous set in place, or the new one whole; what it left behind (a staging
folder, an unused set, temporary files of earlier versions) is removed by the next
build, under a lock that keeps two builds into one folder from meeting.

Output files of an earlier kg (plain files, no links) are moved into a set of their own
first, so the switch to links is also never seen half done.  Where the file system has
no symbolic links, the files are renamed into place one by one (a reader may then see a
mix for an instant).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

OUTPUTS = ("graph.ttl", "graph.html", "report.md")
SETS_DIR = ".kg-builds"
CURRENT = "current"
SET_PREFIX = "build-"
STAGING_PREFIX = "staging-"
LOCK = ".lock"
_LINK_SUFFIX = ".link-tmp"


@contextlib.contextmanager
def staged_outputs(out_dir: Path) -> Iterator[Path]:
    """A folder to write the new outputs into; swapped in as a set when the block ends.

    If the block raises (or the process is interrupted), the folder is removed and the
    previous outputs are left as they were.  Leftovers of an interrupted build are
    removed first.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = Path(folder) / "out"
    ...     for version in ("1", "2"):
    ...         with staged_outputs(out) as staging:
    ...             for name in OUTPUTS:
    ...                 _ = (staging / name).write_text(version)
    ...     [(out / name).read_text() for name in OUTPUTS], len(list((out / SETS_DIR).iterdir()))
    (['2', '2', '2'], 3)
    """
    sets = out_dir / SETS_DIR
    sets.mkdir(parents=True, exist_ok=True)
    with _locked(sets):
        remove_leftovers(out_dir)
        staging = Path(tempfile.mkdtemp(dir=sets, prefix=STAGING_PREFIX))
        try:
            yield staging
            os.chmod(staging, 0o755)  # mkdtemp makes 0700; outputs are meant to be shared
            publish(out_dir, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _remove_old_sets(sets)


def publish(out_dir: Path, staging: Path) -> None:
    """Make the complete set in ``staging`` the current outputs of ``out_dir``."""
    _sync_folder(staging)
    sets = out_dir / SETS_DIR
    name = f"{SET_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
    os.rename(staging, sets / name)
    if not _has_symlinks(sets):  # file by file: a reader may see a mix for an instant
        for output in OUTPUTS:
            os.replace(sets / name / output, out_dir / output)
        _sync_folder(out_dir)
        return
    _adopt_plain_outputs(out_dir)
    for output in OUTPUTS:
        _link(out_dir / output, Path(SETS_DIR, CURRENT, output))
    _swap_current(sets, name)


def _has_symlinks(folder: Path) -> bool:
    """Whether symbolic links can be made in ``folder`` (not on some Windows or FUSE)."""
    probe = folder / f".probe{_LINK_SUFFIX}"
    with contextlib.suppress(FileNotFoundError):
        probe.unlink()
    try:
        os.symlink(CURRENT, probe)
    except (OSError, NotImplementedError):
        return False
    probe.unlink()
    return True


def remove_leftovers(out_dir: Path) -> None:
    """Remove what an interrupted build left: staging folders, sets that are not current,
    half-made links, and the ``.NAME.*.tmp`` files of earlier versions of kg.

    Call with the lock held (:func:`staged_outputs` does).
    """
    sets = out_dir / SETS_DIR
    for path in _entries(sets):
        if path.name.startswith(STAGING_PREFIX) or path.name.endswith(_LINK_SUFFIX):
            _remove(path)
    _remove_old_sets(sets)
    for path in _entries(out_dir):
        for output in OUTPUTS:
            temporary = path.name.startswith(f".{output}.") and path.suffix == ".tmp"
            if temporary or path.name == f".{output}{_LINK_SUFFIX}":
                _remove(path)


def _adopt_plain_outputs(out_dir: Path) -> None:
    """Outputs of an earlier kg (plain files) become a set of their own, made current."""
    sets = out_dir / SETS_DIR
    plain = [name for name in OUTPUTS if _is_plain_file(out_dir / name)]
    if not plain:
        return
    if not (sets / CURRENT).is_symlink():
        adopted = f"{SET_PREFIX}00000000T000000-earlier"
        (sets / adopted).mkdir(exist_ok=True)
        for name in plain:
            target = sets / adopted / name
            if not target.exists():
                try:
                    os.link(out_dir / name, target)
                except OSError:
                    shutil.copy2(out_dir / name, target)
        _sync_folder(sets / adopted)
        _swap_current(sets, adopted)
    for name in plain:  # each now reads the same bytes through the link
        _link(out_dir / name, Path(SETS_DIR, CURRENT, name))


def _link(path: Path, target: Path) -> None:
    """Make ``path`` a symbolic link to ``target`` (relative), replacing it in one rename."""
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    temporary = path.with_name(f".{path.name}{_LINK_SUFFIX}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(target, temporary)
    os.replace(temporary, path)


def _swap_current(sets: Path, name: str) -> None:
    """Point ``current`` at the set ``name``: one rename, the instant every output changes."""
    temporary = sets / f"{CURRENT}{_LINK_SUFFIX}"
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(name, temporary)
    os.replace(temporary, sets / CURRENT)
    _sync_folder(sets)


def _remove_old_sets(sets: Path) -> None:
    """Every set but the current one (a reader holding an old file open keeps it)."""
    current = os.readlink(sets / CURRENT) if (sets / CURRENT).is_symlink() else None
    for path in _entries(sets):
        if path.name.startswith(SET_PREFIX) and path.name != current:
            _remove(path)


def _is_plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _sync_folder(folder: Path) -> None:
    """Flush a folder's files and its entries to disk, so a rename never outruns them."""
    for path in _entries(folder):
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError), open(path, "rb") as stream:
                os.fsync(stream.fileno())
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder/.lock`` (where ``fcntl`` exists), held for the block."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(folder / LOCK, "a") as stream:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
