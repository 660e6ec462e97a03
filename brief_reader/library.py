"""The user's library: which files it holds, reading them, adding and removing articles.

The library is the folder of articles the user added (`user_data_dir/articles/`) plus any extra
folders named in the settings; with nothing added it is the five sample articles shipped in
`seeds/`. Listing the files costs a stat each, so callers (the search index) can tell what
changed without reading anything.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path

from brief_reader.article import Article, article_id
from brief_reader.article_cache import ArticleCache
from brief_reader.errors import BriefReaderError, NotFoundError, ReadError
from brief_reader.formats import SUPPORTED_SUFFIXES
from brief_reader.paths import Paths, ensure_private_dir, seeds_dir
from brief_reader.settings import load_settings
from brief_reader.text import first_few

# Files a folder of articles often holds that are not articles.
_SKIPPED_NAMES = re.compile(r"^(?:readme|license|licence|changelog|source|notice)(?:\.\w+)?$", re.I)
_BY_NAME = attrgetter("name")


class LibraryFile:
    """One file of the library, as a stat sees it: enough to know whether it changed.

    Listing a big library is mostly making these (an unchanged library's sync is that
    listing), so the file's location is kept as the string the listing had and `path` is
    made from it when first asked for.
    """

    __slots__ = ("_path", "identity", "location", "mtime_ns", "root", "size")

    def __init__(
        self, path: Path | str, root: Path, identity: str, mtime_ns: int, size: int
    ) -> None:
        self.location = str(path)
        self.root = root
        self.identity = identity
        self.mtime_ns = mtime_ns
        self.size = size
        self._path = path if isinstance(path, Path) else None

    @property
    def path(self) -> Path:
        """The file's path."""
        if self._path is None:
            self._path = Path(self.location)
        return self._path

    def _key(self) -> tuple[str, Path, str, int, int]:
        return (self.location, self.root, self.identity, self.mtime_ns, self.size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LibraryFile):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"LibraryFile(path={self.path!r}, root={self.root!r}, identity={self.identity!r}, "
            f"mtime_ns={self.mtime_ns!r}, size={self.size!r})"
        )

    def __reduce__(self) -> tuple[type[LibraryFile], tuple[str, Path, str, int, int]]:
        return (LibraryFile, self._key())


@dataclass
class LoadResult:
    """The articles read, and one error per file that could not be read.

    `files` is the listing that was read: a search index sync given it and the articles
    (`SearchIndex.sync(..., articles=...)`) neither lists nor reads the files again.
    """

    articles: list[Article] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    files: list[LibraryFile] = field(default_factory=list)


def walk(root: Path, errors: list[ReadError] | None = None) -> Iterator[Path]:
    """Article files under `root`, sorted, following symlinks but never round a loop.

    What cannot be walked (a symlink loop, an unreadable folder) goes to `errors` when given.
    """
    for entry in _article_entries(str(root), errors):
        yield Path(entry.path)


def _article_entries(root: str, errors: list[ReadError] | None) -> Iterator[os.DirEntry[str]]:
    """The directory entries of `walk`: on strings, as a listing of thousands of files costs
    more in making paths than in its stat calls."""
    seen: set[tuple[int, int]] = set()

    def report(path: str, reason: str) -> None:
        if errors is not None:
            errors.append(ReadError(path, reason))

    def visit(folder: str) -> Iterator[os.DirEntry[str]]:
        try:
            info = os.stat(folder)
        except OSError as error:
            report(folder, _reason(error))
            return
        key = (info.st_dev, info.st_ino)
        if key in seen:
            return  # a folder link back to a folder already read: read it once, no harm done
        seen.add(key)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_BY_NAME)
        except OSError as error:
            report(folder, _reason(error))
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if not name.isascii() and not _utf8_name(name):
                report(entry.path, NOT_UTF8_NAME)
                continue
            try:
                is_dir = entry.is_dir()
                if not is_dir and entry.is_symlink():
                    os.stat(entry.path)  # a dangling or looping file link says so here
            except OSError as error:
                report(entry.path, _reason(error))
                continue
            if is_dir:
                yield from visit(entry.path)
                continue
            dot = name.rfind(".")
            if (
                dot > 0
                and name[dot:].lower() in SUPPORTED_SUFFIXES
                and not _SKIPPED_NAMES.match(name)
            ):
                yield entry

    yield from visit(root)


def _listed(
    root: Path, errors: list[ReadError] | None, unreadable: list[ReadError] | None
) -> Iterator[LibraryFile]:
    """The article files under `root` with their stat; a file whose stat fails goes to
    `unreadable` when given (else it is left out)."""
    root_name = str(root)
    prefix = os.path.join(root_name, "")
    cut = len(prefix)
    for entry in _article_entries(root_name, errors):
        name = entry.path
        try:
            info = entry.stat()
        except OSError as error:
            if unreadable is not None:
                unreadable.append(ReadError(name, _reason(error)))
            continue
        if name.startswith(prefix):
            identity = name[cut:] if os.sep == "/" else name[cut:].replace(os.sep, "/")
        else:
            identity = _identity(Path(name), root)
        yield LibraryFile(name, root, identity, info.st_mtime_ns, info.st_size)


NOT_UTF8_NAME = "its name is not UTF-8 text (rename the file to read it)"
NOT_UTF8_PATH = "its path is not UTF-8 text (rename the file or the folders above it to read it)"


def _utf8_name(name: str) -> bool:
    """Whether a name the file system gave is UTF-8 text.

    Python hands over the bytes of any other name as lone surrogates, which no id, index, store
    or terminal can take as text: such a file is reported, not read.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _identity(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _stat_file(path: Path, root: Path) -> LibraryFile:
    info = os.stat(path)
    return LibraryFile(path, root, _identity(path, root), info.st_mtime_ns, info.st_size)


def read_file(path: Path, identity: str) -> list[Article]:
    """Read the articles of one file; a ReadError says why not.

    The reading stack (parsers, cleaning) is imported on the first file read: a library
    loaded from its article cache never needs it.
    """
    from brief_reader.reading import read_file as read

    return read(path, identity)


def read_library_file(library_file: LibraryFile) -> list[Article]:
    """Read the articles of one library file; a ReadError says why not."""
    return read_file(library_file.path, library_file.identity)


class NotCached(Exception):
    """A load asked to come from the article cache alone would have to read or forget a file."""


def _load_files(
    files: Sequence[LibraryFile],
    errors: list[ReadError],
    progress: Callable[[int, int], None] | None = None,
    cache: ArticleCache | None = None,
    cached_only: bool = False,
) -> LoadResult:
    if cached_only and (
        cache is None
        or errors
        or not cache.holds_exactly((f.location, f.mtime_ns, f.size) for f in files)
    ):
        raise NotCached
    result = LoadResult(errors=errors, files=list(files))
    seen_ids: set[str] = set()
    for done, library_file in enumerate(files, start=1):
        articles = (
            cache.get(library_file.location, library_file.mtime_ns, library_file.size)
            if cache is not None
            else None
        )
        if articles is None:
            if cached_only:
                raise NotCached
            try:
                articles = read_library_file(library_file)
            except ReadError as error:
                result.errors.append(error)
                continue
            if cache is not None:
                cache.put(library_file.location, library_file.mtime_ns, library_file.size, articles)
        for article in articles:
            if article.id in seen_ids:
                # Two roots holding the same relative name: the root's name tells them apart.
                key = f"{library_file.root.name}/{library_file.identity}#{article.row or ''}"
                article = replace(article, id=article_id(key))
            seen_ids.add(article.id)
            result.articles.append(article)
        if progress is not None and (done % 50 == 0 or done == len(files)):
            progress(done, len(files))
    if cache is not None:
        cache.keep_only({f.location for f in files})
        cache.save()
    result.articles = canonicalise_credits(result.articles)
    return result


def load_paths(
    paths: Sequence[Path],
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    cached_only: bool = False,
) -> LoadResult:
    """Read the given files and folders (instead of the library); a missing path is an error.

    With `cache_dir`, unchanged files come from a cache kept for this set of paths; with
    `cached_only` too, NotCached is raised instead of reading a file, forgetting one, or
    reporting one that cannot be listed (the cache is left as it is).
    """
    files: list[LibraryFile] = []
    errors: list[ReadError] = []
    for given in paths:
        path = Path(given)
        if not path.exists() and not path.is_symlink():
            raise NotFoundError(f"{path}: no such file or folder")
    for path in _distinct(paths):
        try:
            if not _utf8_name(str(path.absolute())):
                # Every article's path starts with it: none could be kept or shown.
                errors.append(ReadError(path, NOT_UTF8_PATH))
            elif path.is_dir():
                files += _listed(path, errors, errors)
            else:
                files.append(_stat_file(path, path.parent))
        except OSError as error:
            errors.append(ReadError(path, _reason(error)))
    cache = ArticleCache.for_paths(cache_dir, list(paths)) if cache_dir is not None else None
    return _load_files(files, errors, progress, cache, cached_only)


def _write_reason(error: OSError) -> str:
    """Why a write failed, in the system's words ("Read-only file system", "No space left")."""
    return error.strerror or type(error).__name__


def _distinct(paths: Sequence[Path]) -> list[Path]:
    """The given paths, each file read once: a path given again (`x.txt ./x.txt`, or a link to
    it), or inside a folder also given (`d d/tech`), is left out, so no article is read twice
    and found to share everything with itself.

    A stat each, and a real path per folder (a shell's `dir/*.txt` names thousands of files in
    a few folders): the files' folders are resolved once each.
    """
    real_folders: dict[str, Path] = {}

    def real_folder(folder: str) -> Path:
        found = real_folders.get(folder)
        if found is None:
            found = real_folders[folder] = Path(os.path.realpath(folder or "."))
        return found

    entries: list[tuple[Path, Path, tuple[int, int] | None, bool]] = []
    for given in map(Path, paths):
        try:
            info = os.stat(given)
        except OSError:
            entries.append((given, given.absolute(), None, False))
            continue
        is_dir = stat.S_ISDIR(info.st_mode)
        name = os.fspath(given)
        real = real_folder(name) if is_dir else real_folder(os.path.dirname(name)) / given.name
        entries.append((given, real, (info.st_dev, info.st_ino), is_dir))
    folders = {real for _, real, _, is_dir in entries if is_dir}
    kept: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for given, real, identity, _ in entries:
        # Inside a folder also given: that folder reads it. Given twice: read once.
        if (identity is not None and identity in seen) or any(
            parent in folders for parent in real.parents
        ):
            continue
        if identity is not None:
            seen.add(identity)
        kept.append(given)
    return kept


def _reason(error: OSError) -> str:
    if error.errno == 40:
        return "symlink loop"
    if error.errno == 2:
        return "no such file (a broken link?)"
    return f"cannot be read ({error.strerror or type(error).__name__})"


class Library:
    """The user's articles (or the samples while they have added none)."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths

    def roots(self) -> list[Path]:
        """The folders the library reads: the user's articles, extra folders, else the seeds."""
        roots = [self.paths.articles_dir]
        roots += [Path(p).expanduser() for p in load_settings(self.paths).library_folders]
        if not any(next(walk(root), None) for root in roots if root.is_dir()):
            return [seeds_dir()]
        return [root for root in roots if root.is_dir()]

    @property
    def uses_samples(self) -> bool:
        """True while the library is the built-in samples (the user has added nothing)."""
        return self.roots() == [seeds_dir()]

    def files(self) -> list[LibraryFile]:
        """Every article file with its stat: a stat per file, nothing read."""
        out: list[LibraryFile] = []
        for root in self.roots():
            out += _listed(root, None, None)
        return out

    def load(
        self, progress: Callable[[int, int], None] | None = None, cached_only: bool = False
    ) -> LoadResult:
        """Read every article of the library; unchanged files come from the article cache.

        The user's notes follow renamed files, and rows the user removed are left out (see
        `AnnotationStore.follow`). With `cached_only`, NotCached is raised instead of reading
        or forgetting a file.
        """
        cache = ArticleCache.open(self.paths.cache_dir)
        result = _load_files(self.files(), [], progress, cache, cached_only)
        result.articles = self._follow(result.articles)
        return result

    def _follow(self, articles: list[Article]) -> list[Article]:
        if not self.paths.annotations_db.exists():
            return articles
        from brief_reader.annotations import AnnotationStore

        try:
            store = AnnotationStore.open(self.paths)
        except BriefReaderError:
            return articles  # a damaged store is reported by the commands that use it
        try:
            return store.follow(articles)
        except BriefReaderError:
            return articles
        finally:
            store.close()

    def add(self, sources: Sequence[Path]) -> AddReport:
        """Copy files (or the article files of folders) into the user's library.

        Exact duplicates of a file already there are skipped; a file that cannot be read as an
        article is not copied, and the reason is reported.
        """
        report = AddReport()
        target_dir = self.paths.articles_dir
        existing = {_file_hash(f.path) for f in self._own_files()}
        for given in sources:
            path = Path(given)
            if not path.exists():
                raise NotFoundError(f"{path}: no such file or folder")
            if path.is_dir():
                # What cannot be walked (a symlink loop, a name that is not text) is reported.
                candidates = list(walk(path, report.errors))
            elif not _utf8_name(path.name):
                report.errors.append(ReadError(path, NOT_UTF8_NAME))
                continue
            else:
                candidates = [path]
            for candidate in candidates:
                try:
                    articles = read_file(candidate, candidate.name)
                    digest = _file_hash(candidate)
                except ReadError as error:
                    report.errors.append(error)
                    continue
                except OSError as error:
                    report.errors.append(ReadError(candidate, _reason(error)))
                    continue
                if digest in existing:
                    report.skipped.append(candidate)
                    continue
                try:
                    ensure_private_dir(self.paths.data_dir)
                    target_dir.mkdir(parents=True, exist_ok=True)
                    target = _copy_atomic(candidate, target_dir, candidate.name)
                except OSError as error:
                    raise BriefReaderError(
                        f"{target_dir}: cannot write to the library ({_write_reason(error)})"
                    ) from None
                existing.add(digest)
                report.added.append((target, len(articles)))
        return report

    def _own_files(self) -> list[LibraryFile]:
        root = self.paths.articles_dir
        if not root.is_dir():
            return []
        # Regular files only: they are hashed (opened), and a FIFO would block the open.
        return [_stat_file(p, root) for p in walk(root) if p.is_file()]

    def remove(self, article: Article) -> Path:
        """Delete the user's copy of the file holding `article`; samples cannot be removed.

        One row of a dataset (CSV, JSON Lines...) is hidden instead, in the annotation store:
        the file and its other rows are kept as they are.
        """
        if article.row is not None:
            from brief_reader.annotations import AnnotationStore

            with AnnotationStore.open(self.paths, allow_read_only=False) as store:
                store.hide(article)
            return article.path
        root = self.paths.articles_dir.resolve()
        path = article.path.resolve()
        if root not in path.parents:
            raise BriefReaderError(
                f"{article.location}: not a file you added (only files in {root} can be removed)"
            )
        try:
            path.unlink()
        except OSError as error:
            raise BriefReaderError(f"{path}: cannot be removed ({_write_reason(error)})") from None
        return path


@dataclass
class AddReport:
    """What `Library.add` did: files copied (with their article counts), skipped, refused."""

    added: list[tuple[Path, int]] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)


def _file_hash(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _free_names(folder: Path, name: str) -> Iterator[Path]:
    """`name` in `folder`, then `stem-2.suffix`, `stem-3.suffix`... (whether taken or not)."""
    yield folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 2
    while True:
        yield folder / f"{stem}-{counter}{suffix}"
        counter += 1


def _copy_atomic(source: Path, folder: Path, name: str) -> Path:
    """Copy `source` into `folder` under `name`, or the first free name after it; the copy's path.

    The copy is written to a temporary file, then given its name by a hard link, which fails
    when the name is taken: a crash never leaves half an article, and two adds at once never
    write over each other's file (a check for a free name, then a rename, could). Where the
    file system has no hard links, the name is taken by creating it empty, in one step, and the
    copy renamed over it.
    """
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".adding-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        for target in _free_names(folder, name):
            try:
                os.link(tmp, target)
            except FileExistsError:
                continue
            except OSError as error:
                if error.errno not in _NO_HARD_LINKS:
                    raise
                if _claim(target):
                    # The name is ours, empty until the rename: stopped before it, the empty
                    # file goes too (it would be read as an empty article).
                    try:
                        os.replace(tmp, target)
                    except BaseException:
                        target.unlink(missing_ok=True)
                        raise
                    return target
                continue
            return target
        raise AssertionError("unreachable: names never run out")
    finally:
        Path(tmp).unlink(missing_ok=True)


# A file system without hard links (FAT, some network shares) says so with one of these.
_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}
)


def _claim(target: Path) -> bool:
    """Create `target` empty if no file has its name (in one step); whether it was free."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return False
    return True


def find_article(articles: Sequence[Article], ref: str) -> Article:
    """The article whose id is `ref` or starts with it; NotFoundError if none or several."""
    ref = ref.strip().lower()
    if not ref:
        raise NotFoundError("no article id given")
    exact = [a for a in articles if a.id == ref]
    if exact:
        return exact[0]
    matches = [a for a in articles if a.id.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no article with id {ref!r} (see `brief-reader list`)")
    listed = first_few([a.id for a in matches], 5)
    raise NotFoundError(
        f"id prefix {ref!r} matches {len(matches)} articles: {listed} (give more of the id)"
    )


def canonicalise_credits(articles: list[Article]) -> list[Article]:
    """Credits given as a domain ("techcrunch.com") take the spelling others use ("TechCrunch")."""
    names: dict[str, str] = {}
    for article in articles:
        for value in (article.credit, article.source):
            if value and "." not in value:
                names.setdefault(re.sub(r"\W+", "", value).casefold(), value)
    out: list[Article] = []
    for article in articles:
        credit = article.credit
        if credit and re.fullmatch(r"[\w.-]+\.[a-z]{2,}", credit):
            label = credit.split(".")[-2] if credit.count(".") >= 1 else credit
            known = names.get(re.sub(r"\W+", "", label).casefold())
            if known is not None:
                article = replace(article, credit=known)
        out.append(article)
    return out
