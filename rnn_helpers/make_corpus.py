"""Snapshot the corpus of notebook 06: docstrings of the Python standard library.

    python -m rnn_helpers.make_corpus [out_dir]

Every machine with Python has the standard library's source, so this corpus
needs no download. The script reads the .py files of the running Python's
Lib/ directory in sorted path order, parses each with `ast` (it never imports
them: importing some modules has side effects, such as opening a browser),
and keeps the docstrings of every module and every class, cleaned by
inspect.cleandoc. It writes them, separated by blank lines, to
corpus/stdlib_docstrings.txt inside this package, with a README that records
the Python version, the date, the size and the licence, and a copy of the PSF
License Agreement the docstrings are distributed under (LICENSE-PSF.txt).

The snapshot is committed, so notebooks read the same text on every machine;
rerunning the script under another Python version gives a slightly different
text (the README says which version made the committed one).

Skipped: tests, IDLE, lib2to3, turtledemo, ensurepip, distutils, the codec
tables in encodings/, and generated files; docstrings holding characters
outside printable ASCII (a handful); and repeats of a docstring already kept.
"""
import ast
import datetime
import inspect
import string
import sys
import sysconfig
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
FILE_NAME = "stdlib_docstrings.txt"
LICENSE_NAME = "LICENSE-PSF.txt"
SKIP_DIRS = {"test", "tests", "idlelib", "lib2to3", "turtledemo", "ensurepip", "distutils",
             "encodings", "pydoc_data", "site-packages", "dist-packages", "lib-dynload",
             "__pycache__", "__phello__"}
ALPHABET = set(string.printable) - set("\t\r\x0b\x0c")  # printable ASCII and newline


def source_files(lib_dir):
    """The stdlib's .py files worth reading, in sorted (deterministic) order."""
    lib_dir = Path(lib_dir)
    keep = []
    for path in sorted(lib_dir.rglob("*.py")):
        parts = path.relative_to(lib_dir).parts
        if set(parts[:-1]) & SKIP_DIRS or parts[0].startswith("config-"):
            continue
        if path.name.startswith("_sysconfigdata") or path.name.startswith("test_"):
            continue
        keep.append(path)
    return keep


def module_and_class_docstrings(source):
    """The cleaned docstrings of a module and of its classes, in source order."""
    tree = ast.parse(source)
    nodes = [tree] + sorted((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)),
                            key=lambda n: (n.lineno, n.col_offset))
    docs = [ast.get_docstring(n, clean=False) for n in nodes]
    return [inspect.cleandoc(d) for d in docs if d and d.strip()]


def collect(lib_dir):
    """Every kept docstring once, in file order; returns (docstrings, number of files)."""
    seen, kept = set(), []
    files = source_files(lib_dir)
    for path in files:
        source = path.read_text(encoding="utf-8")
        for doc in module_and_class_docstrings(source):
            if set(doc) <= ALPHABET and doc not in seen:
                seen.add(doc)
                kept.append(doc)
    return kept, len(files)


README = """# Corpus of notebook 06: Python standard-library docstrings

`{file}` holds the docstrings of every module and every class in the
standard library of CPython {version}: the `.py` files of its `Lib/` directory,
read in sorted path order and parsed with `ast` (never imported). Each
docstring is cleaned with `inspect.cleandoc`; a blank line separates them.

| | |
|---|---|
| made by | `python -m rnn_helpers.make_corpus` |
| Python | CPython {version} |
| date | {date} |
| size | {size:,} bytes, {count:,} docstrings from {files} files |
| characters | printable ASCII and newline only |

Left out: tests, IDLE, lib2to3, turtledemo, ensurepip, distutils, the codec
tables in `encodings/`, generated files, docstrings holding other characters
(a handful), and repeats of a docstring already kept.

## Licence

The docstrings are excerpts of CPython's `Lib/`, copyright the Python Software
Foundation, All Rights Reserved, and are distributed under the PSF License
Agreement ("PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2"), whose full text,
with the PSF's copyright notice, is in `{license}` beside this file (copied
from the `LICENSE.txt` of CPython {version}; also at
https://docs.python.org/3/license.html). The rest of this repository is MIT
licensed; this corpus keeps its PSF licence.

Changes made to the original (as clause 3 of the agreement asks): only the
docstrings are kept, without the code around them; each is dedented and
stripped by `inspect.cleandoc`; the files, docstrings and characters listed
above are left out.
"""


def psf_license(lib_dir):
    """The PSF License Agreement, copied from the LICENSE.txt of the Python that runs."""
    path = Path(lib_dir) / "LICENSE.txt"
    if not path.exists():
        raise FileNotFoundError(f"make_corpus: {path} not found; this Python ships its licence "
                                f"elsewhere. Copy the PSF License Agreement into {LICENSE_NAME} "
                                f"by hand (https://docs.python.org/3/license.html)")
    text = path.read_text(encoding="utf-8")
    start = text.index("PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2")
    stop = text.index("BEOPEN.COM LICENSE AGREEMENT", start)
    return text[start:stop].rstrip() + "\n"


def main(out_dir=None):
    """Write the corpus and its README; return the corpus path."""
    out_dir = Path(out_dir) if out_dir is not None else CORPUS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    lib_dir = sysconfig.get_paths()["stdlib"]
    docs, num_files = collect(lib_dir)
    text = "\n\n".join(docs) + "\n"
    path = out_dir / FILE_NAME
    path.write_text(text, encoding="ascii", newline="\n")
    (out_dir / LICENSE_NAME).write_text(psf_license(lib_dir), encoding="utf-8", newline="\n")
    version = ".".join(map(str, sys.version_info[:3]))
    (out_dir / "README.md").write_text(README.format(
        file=FILE_NAME, license=LICENSE_NAME, version=version, date=datetime.date.today().isoformat(),
        size=len(text), count=len(docs), files=num_files), encoding="utf-8")
    print(f"{path}: {len(text):,} bytes, {len(docs):,} docstrings from {num_files} files "
          f"(CPython {version})")
    return path


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
