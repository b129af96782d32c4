"""Run the notebooks with another SEED and compare their checked cells with the committed outputs.

    python .ci/seed_variants.py 1 2                 # every notebook, with SEED = 1, then SEED = 2
    python .ci/seed_variants.py 1 -- notebooks/03-rnn-from-scratch-sine.ipynb
    python .ci/seed_variants.py --avx2 0            # SEED = 0 on the AVX2 kernels of numpy and OpenBLAS

The committed notebooks are executed with SEED = 0. A copy of each, with its one
`SEED = 0` line changed, runs under the same pytest/nbval settings as the
README's test command, so every assert in it must pass and every
`# NBVAL_CHECK_OUTPUT` cell must print what it printed for seed 0: the claims
the prose makes hold for that seed too.

--avx2 runs the notebooks on the kernels an AVX2 processor gets, on a machine
with AVX-512: numpy's AVX-512 loops are switched off (NPY_DISABLE_CPU_FEATURES)
and OpenBLAS uses its Haswell kernels (OPENBLAS_CORETYPE). Sums come out in
another order, so the last bits of exp, tanh and every product differ, and
training takes another path. A claim must survive that as it survives
another seed: on 2026-12-02 a CI machine with AVX-512 failed three checks
that had passed on an AVX2 machine.
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def variant(path, seed, folder):
    """Copy one notebook into folder with its SEED line set to seed."""
    text = path.read_text(encoding="utf-8")
    # In the .ipynb JSON each source line is a string: "SEED = 0  # ..."
    new, count = re.subn(r'"SEED = 0\b', f'"SEED = {seed}', text)
    if count != 1:
        raise SystemExit(f"{path.name}: expected one 'SEED = 0' line, found {count}")
    out = folder / path.name
    out.write_text(new, encoding="utf-8")
    return out


def avx2_env():
    """The environment for the AVX2 kernels, and the AVX-512 targets it switches off."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    wide = [t for t in __cpu_dispatch__ if (t.startswith("AVX512") or t == "X86_V4") and __cpu_features__.get(t)]
    env = dict(os.environ, OPENBLAS_CORETYPE="Haswell")
    if wide:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(wide)
    return env, wide


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    env, kernels = None, ""
    if argv[:1] == ["--avx2"]:
        argv = argv[1:]
        env, wide = avx2_env()
        kernels = (f", AVX2 kernels (numpy without {' '.join(wide)}; OpenBLAS Haswell)" if wide
                   else ", AVX2 kernels (no AVX-512 here; OpenBLAS Haswell)")
    seeds, paths = argv, []
    if "--" in argv:
        cut = argv.index("--")
        seeds, paths = argv[:cut], [Path(p).resolve() for p in argv[cut + 1:]]
    if not all(s.lstrip("-").isdigit() for s in seeds):
        raise SystemExit(f"seeds must be integers, got {' '.join(seeds)} (usage: see --help)")
    seeds = [int(s) for s in seeds] or [1, 2]
    paths = paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    failed = []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix=f"seed{seed}-") as tmp:
            copies = [str(variant(p, seed, Path(tmp))) for p in paths]
            print(f"== SEED = {seed}{kernels}: {len(copies)} notebooks", flush=True)
            rc = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                  "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), *copies],
                                 cwd=ROOT, env=env)
            if rc != 0:
                failed.append(seed)
    if failed:
        print(f"Notebooks failed with SEED = {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
