"""reuse_freed_memory: glibc's malloc serves large arrays from its heap and keeps them when freed."""
import json
import platform
import subprocess
import sys

import pytest

from rnn_helpers import memory
from rnn_helpers.memory import reuse_freed_memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# Run in a fresh interpreter, so the setting cannot leak into this test process:
# allocate a 16 MB array, free it, and report where glibc put it (mallinfo2).
PROBE = """
import ctypes, json, sys
import numpy as np
from rnn_helpers.memory import reuse_freed_memory

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                 "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
took = reuse_freed_memory() if sys.argv[1] == "reuse" else None
a = np.ones(4 * 2 ** 20, dtype=np.float32)   # 16 MB, more than glibc's first mmap threshold
held = libc.mallinfo2()
del a
freed = libc.mallinfo2()
print(json.dumps({"took": took, "mmapped_while_held": held.hblkhd,
                  "heap_free_after": freed.fordblks}))
"""


def probe(mode):
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(not GLIBC, reason="mallopt and mallinfo2 are glibc's")
def test_large_arrays_come_from_the_heap_and_stay_there():
    MB = 2 ** 20
    default, reused = probe("default"), probe("reuse")
    # glibc's default: a first 16 MB request gets its own mmap, unmapped when freed.
    assert default["mmapped_while_held"] >= 16 * MB
    assert default["heap_free_after"] < 16 * MB
    # With the setting: from the heap, and still there, free for the next array, once freed.
    assert reused["took"] is True
    assert reused["mmapped_while_held"] < 16 * MB
    assert reused["heap_free_after"] >= 16 * MB


def test_other_c_libraries_are_left_alone(monkeypatch):
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert reuse_freed_memory() is False


def test_not_glibc_is_recognised(monkeypatch):
    monkeypatch.setattr(platform, "libc_ver", lambda: ("", ""))
    assert memory._glibc() is None


@pytest.mark.parametrize("kwargs, message", [
    (dict(mmap_threshold_mb=64), r"mmap_threshold_mb must be an integer in \[0, 32\], got 64"),
    (dict(trim_threshold_mb=-1), r"trim_threshold_mb must be an integer in \[0, 2047\], got -1"),
    (dict(top_pad_mb=1.5), r"top_pad_mb must be an integer in \[0, 2047\], got 1.5"),
    (dict(top_pad_mb=2048), r"top_pad_mb must be an integer in \[0, 2047\], got 2048"),
])
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match="reuse_freed_memory: " + message):
        reuse_freed_memory(**kwargs)
