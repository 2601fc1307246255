"""Files as ``--fix`` read them: a file's bytes and text (:class:`SourceFile`), every file of a
run kept as read, compressed in a bounded run (:class:`Snapshots`), and the text each has now, as
fixed so far (:class:`SnapshotTexts`, the project's overlay). Split from ``fixer.py``, which
re-exports them."""

from __future__ import annotations

import codecs
import io
import tokenize
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, MutableMapping

from tradelint.core.files import read_source_bytes


@dataclass
class SourceFile:
    """A file's bytes as read, and how to write text back the same way."""

    path: Path
    data: bytes
    encoding: str
    bom: bool
    text: str

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        """Raises UnreadableFile, SyntaxError (coding cookie), UnicodeDecodeError or LookupError."""
        return cls.from_bytes(path, read_source_bytes(path))

    @classmethod
    def from_bytes(cls, path: Path, data: bytes) -> SourceFile:
        """``data`` as the file at ``path`` (standard input); raises as ``read`` does."""
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        bom = data.startswith(codecs.BOM_UTF8)
        text = data.decode(encoding)
        if text.startswith("\ufeff"):
            text = text[1:]
        if encoding == "utf-8-sig":
            encoding = "utf-8"
        return cls(path, data, encoding, bom, text)

    def encode(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode(self.encoding)



# zlib's fastest level: the corpus's 89 MiB of source packs into 21 MiB, in no measurable share
# of a run's time (89.4 s of CPU for the whole corpus's ``--fix --diff``, 89.7 s unpacked). Kept
# as read, its bytes and the texts decoded from them held 210 MiB from the first file to the last.
_PACK_LEVEL = 1


class Snapshots(Mapping[Path, SourceFile]):
    """Every file as it was read, once, up front: ``snapshots[key]`` is its ``SourceFile``.

    Packed (a bounded run), only the bytes are kept, compressed (about a quarter of their size):
    the text is decoded from them again when asked, which gives the same text, so every pass,
    every lookup and the write's comparison still see exactly the bytes that were read."""

    def __init__(self, packed: bool = False) -> None:
        self.packed = packed
        self._plain: dict[Path, SourceFile] = {}
        # The path as given, the bytes compressed, and whether they are the UTF-8 of its text
        # (``utf8``: no other encoding, no byte order mark).
        self._packed: dict[Path, tuple[Path, bytes, bool]] = {}

    def add(self, key: Path, source: SourceFile, pack: bool = True) -> None:
        """``pack``: False for a file not read from the disk (standard input), kept as given."""
        if self.packed and pack:
            utf8 = source.encoding == "utf-8" and not source.bom
            self._packed[key] = (source.path, zlib.compress(source.data, _PACK_LEVEL), utf8)
        else:
            self._plain[key] = source

    def __getitem__(self, key: Path) -> SourceFile:
        plain = self._plain.get(key)
        if plain is not None:
            return plain
        path, packed, _ = self._packed[key]
        return SourceFile.from_bytes(path, zlib.decompress(packed))

    def utf8(self, key: Path) -> bytes:
        """``self[key].text`` encoded as UTF-8 (``surrogatepass``), without decoding the bytes
        of a file read as UTF-8: they are that already. KeyError when absent."""
        packed = self._packed.get(key)
        if packed is not None and packed[2]:
            return zlib.decompress(packed[1])
        return self[key].text.encode("utf-8", "surrogatepass")

    def __contains__(self, key: object) -> bool:
        return key in self._plain or key in self._packed

    def version(self, key: Path) -> object | None:
        """The same object while ``key``'s text is the same, without decoding it (None: absent)."""
        return self._plain.get(key) or self._packed.get(key)

    def __iter__(self) -> Iterator[Path]:
        yield from self._plain
        yield from self._packed

    def __len__(self) -> int:
        return len(self._plain) + len(self._packed)


class SnapshotTexts(MutableMapping[Path, str]):
    """The project's overlay in ``--fix``: the text of each file as fixed so far, else as read."""

    def __init__(self, snapshots: Snapshots) -> None:
        self.snapshots = snapshots
        self.changed: dict[Path, str] = {}

    def __getitem__(self, key: Path) -> str:
        text = self.changed.get(key)
        return text if text is not None else self.snapshots[key].text

    def version(self, key: Path) -> object | None:
        """As ``Snapshots.version``: the word index asks it, not a text decompressed anew."""
        return self.changed.get(key) or self.snapshots.version(key)

    def utf8(self, key: Path) -> bytes:
        """``self[key]`` encoded as UTF-8 (``surrogatepass``), what the word index searches: a
        file of a bounded run is read the whole project's files over for every name searched
        before its words are indexed (``project_files.files_naming``), and decoded for nothing
        (12,800 files, 3 searches). KeyError when absent."""
        text = self.changed.get(key)
        if text is not None:
            return text.encode("utf-8", "surrogatepass")
        return self.snapshots.utf8(key)

    def __contains__(self, key: object) -> bool:
        return key in self.changed or key in self.snapshots

    def __setitem__(self, key: Path, text: str) -> None:
        self.changed[key] = text

    def __delitem__(self, key: Path) -> None:
        del self.changed[key]

    def __iter__(self) -> Iterator[Path]:
        yield from self.changed
        yield from (key for key in self.snapshots if key not in self.changed)

    def __len__(self) -> int:
        return len(self.snapshots) + sum(1 for key in self.changed if key not in self.snapshots)
