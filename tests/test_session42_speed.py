"""Session 42 (issue 30, memory): a folder's word index (``project_files._WordIndex``) keeps its
words' files, its files' words and its grams' words as arrays of numbers, not as sets and lists
of objects (ccxt's folder held 136 MB as objects, 54 MB now); the answers are the same, after a
file is indexed again too. Behaviour and a memory bound, no timing."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from tests.test_project_words import brute
from tradelint.facts import project_files as pf
from tradelint.facts.context import Project


def make_folder(root: Path, files: int, words: int) -> None:
    (root / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    pkg = root / "pkg"
    pkg.mkdir()
    for i in range(files):
        body = "".join(f"name_{i}_{j} = shared_{j % 7}\n" for j in range(words))
        (pkg / f"m{i}.py").write_text(f"class Module{i}:\n    pass\n" + body, encoding="utf-8")


def test_a_file_indexed_again_is_listed_once_for_each_of_its_words(tmp_path: Path) -> None:
    make_folder(tmp_path, 6, 5)
    project = Project()
    names = ["Module", "Module3", "name_3_1", "shared_2", "shared", "fresh", "_", "e_3"]
    for name in names:
        list(pf.files_naming(project, tmp_path, name))
    changed = tmp_path / "pkg" / "m3.py"
    for text in ["fresh = shared_2\n", "class Module3:\n    fresh = 1\n", "x = 1\n", "class Module3:\n    pass\n"]:
        project.overlay[changed] = text
        project.text_changed(changed)
        for name in names:
            assert list(pf.files_naming(project, tmp_path, name)) == brute(project, tmp_path, name), (text, name)
        index = project.disk_words[tmp_path]
        pairs = sorted((k, i) for i, ids in index.file_words.items() for k in ids)
        assert pairs == sorted((k, i) for k, files in enumerate(index.postings) for i in files)
        assert len(pairs) == len(set(pairs))


def test_a_word_index_holds_numbers_not_objects(tmp_path: Path) -> None:
    # 200 files of 60 words each of their own: 12,000 words, 12,000 (word, file) pairs. As sets
    # and lists of objects the index held about 630 bytes a word; as arrays, about 365.
    make_folder(tmp_path, 200, 60)
    files = pf.project_files(Project(), tmp_path) or []
    tracemalloc.start()
    try:
        index = pf._WordIndex()
        index.files_with(files, b"shared_3", {})
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(index.words) > 12000
    assert held < 480 * len(index.words)
