"""The benchmark's peak-memory sampler counts worker processes, and shared pages once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks._memory import TreeMemory, descendants, pss_bytes

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux /proc/<pid>/smaps_rollup"
)

MB = 2**20

# The parent holds 40 MB; a forked child writes 120 MB of its own and then both wait for a signal file.
_SCRIPT = """
import os, sys, time
from pathlib import Path
held = bytearray(os.urandom(40 * 2**20))
pid = os.fork()
if pid == 0:
    mine = bytearray(120 * 2**20)
    for i in range(0, len(mine), 4096):
        mine[i] = 1
    Path(sys.argv[1]).write_text("ready")
    while not Path(sys.argv[2]).exists():
        time.sleep(0.01)
    os._exit(0)
while not Path(sys.argv[2]).exists():
    time.sleep(0.01)
os.waitpid(pid, 0)
"""


def test_tree_peak_counts_the_child_and_shared_pages_once(tmp_path: Path) -> None:
    ready, done = tmp_path / "ready", tmp_path / "done"
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(ready), str(done)])
    try:
        with TreeMemory(proc.pid, interval=0.01) as memory:
            for _ in range(1000):
                if ready.exists():
                    break
                assert proc.poll() is None, "the measured script died"
                time.sleep(0.01)
            assert ready.exists()
            kids = descendants(proc.pid)
            assert len(kids) == 1
            parent, child = pss_bytes(proc.pid), pss_bytes(kids[0])
            total = memory.sample()
            done.write_text("done")
            proc.wait(timeout=30)
    finally:
        done.write_text("done")
        proc.wait(timeout=30)
    assert child > 120 * MB  # its own pages, plus half of what it shares with the parent
    assert total >= parent + child - 4 * MB  # another process may come and go between the reads
    # The 40 MB the parent wrote before forking is shared: counted once, not once per process.
    assert memory.peak_bytes < 2 * (40 * MB) + 120 * MB + 60 * MB
    assert memory.peak_bytes > 160 * MB
    assert memory.samples >= 2


def test_a_process_that_is_not_there_reads_as_zero() -> None:
    assert pss_bytes(2**22 + 12345) == 0
    assert descendants(2**22 + 12345) == []
