"""Tests for rnn_helpers/make_corpus.py: the snapshot of standard-library docstrings."""
from rnn_helpers import charlm, make_corpus


def test_corpus_is_large_ascii_and_documented():
    text = charlm.load_corpus()
    assert len(text) >= 200_000
    assert set(text) <= make_corpus.ALPHABET
    readme = (make_corpus.CORPUS_DIR / "README.md").read_text()
    assert "CPython 3." in readme and "PSF" in readme and f"{len(text):,} bytes" in readme
    licence = (make_corpus.CORPUS_DIR / make_corpus.LICENSE_NAME).read_text()
    assert licence.startswith("PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2")
    assert "Python Software Foundation;\nAll Rights Reserved" in licence


def test_docstrings_are_read_with_ast_in_source_order(tmp_path):
    source = '"""Module doc."""\nclass A:\n    """  A doc.\n\n    More."""\n    def f(self):\n' \
             '        """Function docs are left out."""\nclass B:\n    pass\n'
    assert make_corpus.module_and_class_docstrings(source) == ["Module doc.", "A doc.\n\nMore."]
    for rel in ["a.py", "test/t.py", "idlelib/x.py", "pkg/b.py", "pkg/test_c.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text('"""Doc."""\n')
    assert [p.relative_to(tmp_path).as_posix() for p in make_corpus.source_files(tmp_path)] == \
        ["a.py", "pkg/b.py"]


def test_collect_keeps_each_docstring_once_and_only_printable_ascii(tmp_path):
    (tmp_path / "a.py").write_text('"""Shared doc."""\nclass A:\n    """Caf\u00e9 doc."""\n',
                                   encoding="utf-8")
    (tmp_path / "b.py").write_text('"""Shared doc."""\nclass B:\n    """Tab\there."""\n')
    docs, num_files = make_corpus.collect(tmp_path)
    assert num_files == 2
    # The repeat and the accented docstring are left out; cleandoc expands the tab.
    assert docs == ["Shared doc.", "Tab" + " " * 5 + "here."]
