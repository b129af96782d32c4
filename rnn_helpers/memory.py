"""Keep freed memory for the next array, instead of handing it back to the system.

    from rnn_helpers.memory import reuse_freed_memory
    reuse_freed_memory()   # once, before training: True if the setting took

Notes
-----
Every training step allocates the same large arrays again: the gate values of
every time step, their gradients, the scores. numpy asks the C library's
malloc for each one and frees it at the end of the step. On Linux, glibc's
malloc serves a large request with fresh pages from the system (mmap) and
returns them when it is freed (munmap, or trimming the top of the heap), so
the next step's arrays start from untouched pages again, and the kernel has to
fault in and zero every page on its first write. At the sizes of d2l's
character language model (batch 1024, 32 steps, arrays of 4 to 16 MB) that is
up to a quarter of a training step: 96-136 ms a step with glibc's defaults,
95-105 ms with reuse_freed_memory, in six runs (benchmarks/README.md).

reuse_freed_memory changes three of glibc's mallopt settings: requests up to
mmap_threshold come from the heap, not from mmap; freed memory stays in the
heap until more than trim_threshold of it is free at the top; and each time
the heap grows it takes top_pad more, so it grows rarely. The cost is freed
memory the process keeps instead of returning it: up to about trim_threshold +
top_pad (320 MB with the defaults), and never more than it used at its peak.

The setting lasts until the process ends and cannot be read back. It matters
only for large arrays: the course's notebooks, whose arrays are small, run
about as fast without it. Other C libraries (macOS, Windows, musl) manage
memory their own way; there the function does nothing and returns False.
"""
import ctypes
import platform

from ._checks import check_int

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # glibc's malloc.h
MB = 2 ** 20


def _glibc():
    """The C library if it is glibc, else None."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")  # glibc's name for itself on every Linux
    except OSError:
        return None


def reuse_freed_memory(mmap_threshold_mb=32, trim_threshold_mb=256, top_pad_mb=64):
    """Tell glibc's malloc to keep freed memory and reuse it (see the module's notes).

    Inputs:
    - mmap_threshold_mb: requests up to this size (in MB, at most 32: glibc's cap on 64-bit
      systems) come from the heap and return to it
    - trim_threshold_mb: the heap gives memory back only when more than this is free at its top
    - top_pad_mb: extra memory taken each time the heap grows

    Returns True if glibc took all three settings, False on any other C library.
    """
    # (argument, value, mallopt option, largest value in MB): 32 MB is glibc's cap on 64-bit
    # systems; the others are bounded because mallopt takes bytes as a C int.
    settings = [("mmap_threshold_mb", mmap_threshold_mb, M_MMAP_THRESHOLD, 32),
                ("trim_threshold_mb", trim_threshold_mb, M_TRIM_THRESHOLD, 2047),
                ("top_pad_mb", top_pad_mb, M_TOP_PAD, 2047)]
    for name, value, _, high in settings:
        check_int("reuse_freed_memory", name, value, low=0, high=high)
    libc = _glibc()
    if libc is None:
        return False
    return all(libc.mallopt(option, value * MB) == 1 for _, value, option, _ in settings)
