"""The file boundary: every read, listing, write and delete inside the project goes through here.

A checkout is untrusted (a pull request can commit symbolic links anywhere, even under folders
that .gitignore names), so below a trusted root folder (the data folder, the docs folder, the
site, the build's state) no path component may be a symbolic link: each is opened with
O_NOFOLLOW relative to the folder above it, and a link is refused with LinkRefused naming it.
Writes are atomic (a temporary file created with O_EXCL | O_NOFOLLOW in the same folder, then
renamed over the target, which replaces a link rather than following it), and a folder is only
deleted after it was walked whole and found to hold no link.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # NONBLOCK: a FIFO never hangs
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class LinkRefused(OSError):
    """A path inside the project is a symbolic link (or not what it must be): nothing was read or written there."""

    def __init__(self, path: Path | str, why: str = "it is a symbolic link") -> None:
        super().__init__(errno.ELOOP, f"{path}: {why} (links inside the project are never followed)", str(path))
        self.path = str(path)

    def __str__(self) -> str:
        return self.strerror


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file


def _relative(rel: Path | str) -> list[str]:
    """The components of a path relative to a root; ValueError when it leads outside it."""
    text = os.fspath(rel)
    parts = [p for p in text.split(os.sep) if p not in ("", ".")]
    if text.startswith(os.sep) or ".." in parts:
        raise ValueError(f"{rel} is not a path inside the folder")
    return parts


def _parts(root: Path | str, path: Path | str) -> list[str]:
    """The components of path below root (compared as written, links not resolved); ValueError when outside."""
    top, text = os.fspath(root).rstrip(os.sep), os.fspath(path)
    if top and top != "." and text.startswith(top + os.sep) and ".." not in text:  # the usual case, quickly
        return _relative(text[len(top) + 1 :])
    rel = os.path.relpath(os.path.abspath(text), os.path.abspath(root))
    if rel == ".." or rel.startswith(".." + os.sep):
        raise ValueError(f"{path} is not inside {root}")
    return _relative(rel)


def _refusal(dir_fd: int, name: str, shown: Path) -> OSError:
    """Why opening name in dir_fd failed without following: a link, or a file where a folder should be."""
    try:
        mode = os.lstat(name, dir_fd=dir_fd).st_mode
    except OSError as exc:
        return exc
    if stat.S_ISLNK(mode):
        return LinkRefused(shown)
    return LinkRefused(shown, "it is not a folder" if not stat.S_ISDIR(mode) else "it cannot be opened")


def open_folder(root: Path, parts: list[str], create: bool = False) -> int:
    """A descriptor of root/parts..., opened one component at a time without following links (made with create)."""
    if create:
        os.makedirs(root, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))  # the root itself is trusted
    try:
        for i, name in enumerate(parts):
            try:
                child = os.open(name, _DIR, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with suppress(FileExistsError):
                    os.mkdir(name, 0o777, dir_fd=fd)
                child = os.open(name, _DIR, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _refusal(fd, name, Path(root, *parts[: i + 1])) from None
                raise
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def folder(root: Path, rel: Path | str = "", create: bool = False) -> Iterator[int]:
    """open_folder as a context manager: the descriptor is closed after."""
    fd = open_folder(Path(root), _relative(rel), create)
    try:
        yield fd
    finally:
        os.close(fd)


def _split(path: Path, root: Path | None) -> tuple[str, list[str], str]:
    if root is None:
        root = os.path.dirname(os.fspath(path)) or "."
    parts = _parts(root, path)
    if not parts:
        raise ValueError(f"{path} names the folder {root} itself, not a file in it")
    return root, parts[:-1], parts[-1]


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """The bytes of a regular file at path, refusing a link at path or between root (default: its folder) and it."""
    root, folders, name = _split(path, root)
    fd = open_folder(root, folders)
    try:
        try:
            file_fd = os.open(name, _READ, dir_fd=fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise LinkRefused(path) from None
            raise
        try:
            info = os.fstat(file_fd)
            if not stat.S_ISREG(info.st_mode):
                raise LinkRefused(path, "it is not a regular file")
            chunks = [os.read(file_fd, info.st_size + 1)]  # (O_NONBLOCK does not affect regular files)
            while chunks[-1]:
                chunks.append(os.read(file_fd, 1 << 20))
            return b"".join(chunks)
        finally:
            os.close(file_fd)
    finally:
        os.close(fd)


def kind(path: Path, root: Path | None = None) -> str:
    """'file', 'folder', 'link', 'other' or 'missing', for path as it is (a link is not followed).

    FileNotFoundError when its folder is missing; LinkRefused when a link is on the way to it.
    """
    root, folders, name = _split(path, root)
    with folder(root, Path(*folders) if folders else "") as fd:
        try:
            mode = os.lstat(name, dir_fd=fd).st_mode
        except FileNotFoundError:
            return "missing"
    return _kind(mode)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "link"
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def _entry_kind(entry: os.DirEntry) -> str:
    """An entry's kind from the listing itself (no link followed, usually no extra system call)."""
    if entry.is_symlink():
        return "link"
    if entry.is_file(follow_symlinks=False):
        return "file"
    return "folder" if entry.is_dir(follow_symlinks=False) else "other"


def entries(root: Path, rel: Path | str = "") -> list[tuple[str, str]]:
    """The (name, kind) of each entry of root/rel, sorted by name; links are listed as 'link', never followed."""
    with folder(root, rel) as fd, os.scandir(fd) as listing:
        found = [(e.name, _entry_kind(e)) for e in listing]
    return sorted(found)


def walk(root: Path, rel: Path | str = "") -> Iterator[tuple[str, str]]:
    """Every entry below root/rel as (path relative to root, kind), parents first; links are not entered."""
    base = Path(rel).as_posix().strip("/") if str(rel) not in ("", ".") else ""
    for name, what in entries(root, base):
        path = f"{base}/{name}" if base else name
        yield path, what
        if what == "folder":
            yield from walk(root, path)


def links_in(root: Path, rel: Path | str) -> list[str]:
    """The links at root/rel, on the way to it or anywhere below it (paths relative to root); [] when it is missing."""
    parts = _relative(rel)
    for i in range(len(parts)):
        try:
            what = kind(Path(root, *parts[: i + 1]), root)
        except FileNotFoundError:
            return []
        if what == "missing":
            return []
        if what == "link":
            return ["/".join(parts[: i + 1])]
        if what != "folder":
            return []
    return [path for path, what in walk(root, "/".join(parts)) if what == "link"]


def remove_tree(root: Path, rel: Path | str) -> int:
    """Delete root/rel (a file or a folder and everything in it); returns the files removed.

    Refuses (LinkRefused, nothing deleted) when a link is on the way to it or anywhere inside it.
    """
    links = links_in(Path(root), rel)
    if links:
        raise LinkRefused(Path(root, links[0]))
    parts = _relative(rel)
    try:
        what = kind(Path(root, *parts), Path(root))
    except FileNotFoundError:
        return 0
    if what == "missing":
        return 0
    with folder(root, Path(*parts[:-1]) if parts[:-1] else "") as parent:
        if what != "folder":
            os.unlink(parts[-1], dir_fd=parent)
            return 1
        return _remove_in(parent, parts[-1])


def _remove_in(parent: int, name: str) -> int:
    """Remove the folder name of parent and its content, never following a link (links are only unlinked)."""
    removed = 0
    fd = os.open(name, _DIR, dir_fd=parent)
    try:
        with os.scandir(fd) as listing:
            content = [(e.name, _entry_kind(e)) for e in listing]
        for child, what in content:
            if what == "folder":
                removed += _remove_in(fd, child)
            else:
                os.unlink(child, dir_fd=fd)
                removed += 1
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=parent)
    return removed


def _write_in(fd: int, name: str, data: bytes, mode: int) -> None:
    """Create name in the folder fd (it must not exist: O_EXCL, no link followed) holding data."""
    file_fd = os.open(name, _CREATE, mode, dir_fd=fd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(file_fd, view) :]
    finally:
        os.close(file_fd)


def _temporary(fd: int, name: str, data: bytes, mode: int, shown: Path, unique: bool) -> str:
    """Write data to a temporary file beside name; a link there is refused, a stale file replaced."""
    tmp = f".{name}.{os.getpid()}.tmp" if unique else f".{name}.tmp"
    for attempt in (1, 2):
        try:
            _write_in(fd, tmp, data, mode)
            return tmp
        except FileExistsError:
            what = _kind(os.lstat(tmp, dir_fd=fd).st_mode)
            if what != "file" or attempt == 2:
                raise LinkRefused(shown.parent / tmp, f"a {what} is in the way of the temporary file") from None
            os.unlink(tmp, dir_fd=fd)  # left by a write that was cut short
    raise AssertionError("unreachable")


def write_atomic(
    path: Path, data: bytes, root: Path | None = None, mode: int = FILE_MODE, unique: bool = False
) -> None:
    """Replace path with a file holding data in one step, creating its folders below root (default: its folder).

    A link between root and path is refused; a link at path is replaced, never followed. With unique,
    the temporary file's name holds the process id (for files that processes write at the same time).
    """
    root, folders, name = _split(path, root)
    fd = open_folder(root, folders, create=True)
    try:
        tmp = _temporary(fd, name, data, mode, Path(path), unique)
        try:
            os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException:
            os.unlink(tmp, dir_fd=fd)
            raise
    finally:
        os.close(fd)


def write_new(path: Path, data: bytes, root: Path | None = None, mode: int = FILE_MODE) -> None:
    """Write a new file at path in one step; FileExistsError (nothing written) when anything, even a link, is there."""
    root, folders, name = _split(path, root)
    fd = open_folder(root, folders, create=True)
    try:
        tmp = _temporary(fd, name, data, mode, Path(path), unique=False)
        try:
            os.link(tmp, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
        except FileExistsError:
            raise FileExistsError(errno.EEXIST, "a file or link is already there", str(path)) from None
        finally:
            os.unlink(tmp, dir_fd=fd)
    finally:
        os.close(fd)


class Writer:
    """Writes many new files below one root (a folder the build just made), keeping its folders open."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._folders: dict[tuple[str, ...], int] = {}

    def write(self, rel: str, data: bytes) -> None:
        """Create root/rel holding data (its folders made as needed); a link or file already there is refused."""
        parts = _relative(rel)
        key = tuple(parts[:-1])
        fd = self._folders.get(key)
        if fd is None:
            fd = self._folders[key] = open_folder(self.root, list(key), create=True)
        try:
            _write_in(fd, parts[-1], data, FILE_MODE)
        except FileExistsError:
            raise LinkRefused(self.root / rel, "a file or link is already there") from None

    def close(self) -> None:
        """Close the folders kept open."""
        for fd in self._folders.values():
            os.close(fd)
        self._folders = {}

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def copy_tree(source: Path, target: Path, wanted: Callable[[str], bool] = lambda rel: True) -> None:
    """Copy the files below source that wanted accepts (by path relative to source) into target.

    A link anywhere in source, or on the way to a file in target, is refused (LinkRefused).
    """
    files = []
    for rel, what in walk(source):
        if what == "link":
            raise LinkRefused(Path(source, rel))
        if what == "file" and wanted(rel):
            files.append(rel)
    for rel in files:
        write_atomic(Path(target, rel), read_bytes(Path(source, rel), source), target)
