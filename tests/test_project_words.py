"""``files_naming`` answers every search as a read of all the project's files would, once its
words are indexed (after ``INDEX_AFTER`` searches of a folder): substrings of words, names that
are not words, open buffers and fixed texts (``text_changed``), unreadable files, and the disk
read again when it may have changed. Behaviour only (issue 34: the index makes a search per class cost the
files naming it, not the project)."""

from __future__ import annotations

from pathlib import Path

from tradelint.facts import project_files as pf
from tradelint.facts.context import Project


def brute(project: Project, root: Path, name: str) -> list[tuple[Path, bytes]]:
    needle = name.encode("utf-8", "surrogateescape")
    found = []
    for path in pf.project_files(project, root) or ():
        text = project.overlay.get(path)
        try:
            data = pf.read_source_bytes(path) if text is None else text.encode("utf-8", "surrogatepass")
        except (OSError, pf.UnreadableFile):
            continue
        if needle in data:
            found.append((path, data))
    return found


NAMES = [
    "Worker1", "Worker10", "Worker", "orker1", "_task", "task", "create_task", "EVENT_HOMEASSISTANT_",
    "await", "x._task", "self.", "W", "zzz_absent", "caf\u00e9", "1", "_",
]


def make_tree(root: Path) -> None:
    (root / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    for i in range(12):
        (pkg / f"w{i}.py").write_text(
            f"import asyncio\n\n\nclass Worker{i}:\n    def start(self):\n"
            f"        self._task = asyncio.create_task(self.run())\n",
            encoding="utf-8",
        )
    (pkg / "hass.py").write_text("from x import EVENT_HOMEASSISTANT_STOP\nasync def f(x):\n    await x._task\n", encoding="utf-8")
    (pkg / "uni.py").write_text("caf\u00e9 = 1  # W\u00e9\n", encoding="utf-8")
    (pkg / "folder.py").mkdir()  # not a regular file: left out


def test_indexed_searches_equal_reading_every_file(tmp_path: Path) -> None:
    make_tree(tmp_path)
    project = Project()
    root = tmp_path
    for _ in range(2):  # the first searches read every file, the later ones the index's
        for name in NAMES:
            assert list(pf.files_naming(project, root, name)) == brute(project, root, name), name
    assert root in project.disk_words and project.disk_words[root].built


def test_open_buffers_and_disk_changes(tmp_path: Path) -> None:
    make_tree(tmp_path)
    project = Project()
    root = tmp_path
    for name in NAMES:
        list(pf.files_naming(project, root, name))
    assert project.disk_words[root].built
    # An open buffer naming what its file on disk does not (and no longer naming what it did).
    buffer = root / "pkg" / "w3.py"
    project.overlay[buffer] = "class Renamed:\n    fresh_name = 1\n"
    project.text_changed(buffer)  # as the server's set_buffer and a fix's replace_source say
    for name in ["fresh_name", "Worker3", "Worker", "_task"]:
        assert list(pf.files_naming(project, root, name)) == brute(project, root, name), name
    # The buffer closed: the disk's text again.
    del project.overlay[buffer]
    project.text_changed(buffer)
    for name in ["fresh_name", "Worker3", "Renamed"]:
        assert list(pf.files_naming(project, root, name)) == brute(project, root, name), name
    # A fixed file's new text, through ``replace_source``.
    fixed = root / "pkg" / "w7.py"
    project.replace_source(fixed, "class Worker7:\n    brand_new_word = 2\n", None)
    for name in ["brand_new_word", "Worker7", "create_task", "Worker"]:
        assert list(pf.files_naming(project, root, name)) == brute(project, root, name), name
    # The disk changed (the server is told a file changed): read again, as before the index.
    (root / "pkg" / "w5.py").write_text("late_word = 1\n", encoding="utf-8")
    project.source_changed(None, None)
    assert root not in project.disk_words
    for _ in range(2):
        for name in ["late_word", "Worker5", "_task", "fresh_name", *NAMES]:
            assert list(pf.files_naming(project, root, name)) == brute(project, root, name), name


def test_words_containing_a_name_equal_searching_every_word() -> None:
    """The words containing a name, through its three-letter pieces, are those a search of every
    word finds (names of one, two, three and more letters; present, absent, words that are
    pieces of other words), on random vocabularies grown in steps as a fix or a buffer grows it."""
    import random

    rng = random.Random(34)
    for _ in range(200):
        index = pf._WordIndex()
        alphabet = "ab_1" if rng.random() < 0.5 else "abcdefgh_0123"
        for step in range(3):
            words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) for _ in range(rng.randint(1, 40))}
            path = Path(f"/nowhere/m{step}.py")
            index.files[path] = step
            index._index(step, path, {path: " ".join(words)})
            index._join()
            vocabulary = index.words
            for _ in range(30):
                name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))).encode()
                if rng.random() < 0.3:
                    word = rng.choice(vocabulary)
                    start = rng.randint(0, len(word) - 1)
                    name = word[start : rng.randint(start + 1, len(word))]
                expected = sorted(k for k, word in enumerate(vocabulary) if name in word)
                assert sorted(index.containing(name)) == expected, (name, vocabulary)


def test_kept_texts_follow_the_buffer_and_the_disk(tmp_path: Path) -> None:
    """A file searched for one name after another is read once while its text stays the same,
    and read again when its buffer changes or closes, or its text changed (``text_changed``)."""
    make_tree(tmp_path)
    project = Project()
    root = tmp_path
    for _ in range(pf.INDEX_AFTER):
        list(pf.files_naming(project, root, "Worker"))
    first = dict(pf.files_naming(project, root, "Worker3"))
    again = dict(pf.files_naming(project, root, "_task"))
    path = root / "pkg" / "w3.py"
    assert again[path] is first[path]  # kept, not read again
    project.overlay[path] = "class Worker3:\n    moved = 1\n"
    project.text_changed(path)
    assert list(pf.files_naming(project, root, "moved")) == brute(project, root, "moved") != []
    assert list(pf.files_naming(project, root, "_task")) == brute(project, root, "_task")
    del project.overlay[path]
    project.text_changed(path)
    assert list(pf.files_naming(project, root, "moved")) == brute(project, root, "moved") == []
    path.write_text("class Worker3:\n    rewritten = 1\n", encoding="utf-8")
    project.text_changed(path)  # as a fix writing the file says
    assert list(pf.files_naming(project, root, "rewritten")) == brute(project, root, "rewritten") != []
    assert list(pf.files_naming(project, root, "Worker3")) == brute(project, root, "Worker3")


def test_a_word_index_idle_for_many_files_is_dropped_when_another_is_made(tmp_path: Path) -> None:
    """An index not searched while ``IDLE_FILES`` files were checked goes when another folder's is
    made (a run over many projects kept them all); searched again, it is made anew and answers
    the same."""
    roots = []
    for i in range(3):
        root = tmp_path / f"p{i}"
        root.mkdir()
        make_tree(root)
        roots.append(root)
    project = Project()

    def search(root: Path, name: str) -> None:
        for _ in range(pf.INDEX_AFTER + 1):
            assert list(pf.files_naming(project, root, name)) == brute(project, root, name)

    search(roots[0], "Worker1")
    search(roots[1], "Worker1")
    for _ in range(pf.IDLE_FILES + 1):
        project.end_file()
    search(roots[1], "_task")  # searched again: kept
    assert list(project.disk_words) == roots[:2]
    search(roots[2], "Worker1")  # a new index: the idle one goes
    assert list(project.disk_words) == roots[1:]
    search(roots[0], "_task")  # made again, the same answers
    assert list(project.disk_words) == [*roots[1:], roots[0]]


def test_a_small_run_reads_the_files_for_more_searches_before_indexing(tmp_path: Path) -> None:
    """A run the runner says checks few files (a warm run) indexes a folder's words only after
    ``SMALL_RUN_INDEX_AFTER`` searches, and finds the same; a large one after ``INDEX_AFTER``."""
    make_tree(tmp_path)
    small, large = Project(), Project()
    pf.plan_run(small, pf.SMALL_RUN_FILES)
    pf.plan_run(large, pf.SMALL_RUN_FILES + 1)
    names = (NAMES * 2)[: pf.SMALL_RUN_INDEX_AFTER]
    for name in names:
        assert list(pf.files_naming(small, tmp_path, name)) == brute(small, tmp_path, name), name
        assert list(pf.files_naming(large, tmp_path, name)) == brute(large, tmp_path, name), name
    assert not small.disk_words[tmp_path].built and large.disk_words[tmp_path].built
    for name in NAMES:
        assert list(pf.files_naming(small, tmp_path, name)) == brute(small, tmp_path, name), name
    assert small.disk_words[tmp_path].built
