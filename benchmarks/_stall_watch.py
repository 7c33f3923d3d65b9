"""Where the GUI thread was during its stalls: the kernel's account of each gap, and (with
BENCH_STACKS=1) samples of its Python stack taken while a stall is in progress.

`Schedstat` reads /proc/self/task/TID/schedstat (Linux): nanoseconds on a CPU and waiting
in the run queue. Over a gap between two probe ticks, on-CPU + run-queue wait + the rest
(sleeping: a lock, the GIL, a syscall, the event loop's own wait) = the gap, so a stall can
be called "ours" (on-CPU), "the machine's" (runnable, no core free) or "waiting" (asleep).

`Watch` is a daemon thread that, every SAMPLE_MS while the GUI probe has not ticked for
more than AFTER_MS, notes the GUI thread's Python stack (sys._current_frames), its kernel
state and current syscall (/proc/self/task/TID/stat and syscall), and which of the process's
other threads were running. The watcher needs the GIL to sample; a sample that comes late
says the GIL was held (by whoever ran Python then).
"""

from __future__ import annotations

import collections
import os
import sys
import threading
import time
from pathlib import Path
from types import FrameType

SAMPLE_MS = 3.0
AFTER_MS = 20.0
SYSCALLS = {
    0: "read",
    1: "write",
    7: "poll",
    23: "select",
    35: "nanosleep",
    74: "fsync",
    75: "fdatasync",
    202: "futex",
    230: "clock_nanosleep",
    232: "epoll_wait",
    271: "ppoll",
    281: "epoll_pwait",
    441: "epoll_pwait2",
}  # fmt: skip  (x86-64)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


class Schedstat:
    """(on-CPU s, run-queue wait s) of one thread so far; zeros where Linux does not say.
    Read with pread on a file kept open: the probe reads it on every tick of the GUI thread,
    and opening the file each time cost more than the rest of the probe."""

    def __init__(self, tid: int) -> None:
        try:
            self.fd: int | None = os.open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)
        except OSError:
            self.fd = None

    def now(self) -> tuple[float, float]:
        if self.fd is None:
            return 0.0, 0.0
        fields = os.pread(self.fd, 128, 0).split()
        return int(fields[0]) / 1e9, int(fields[1]) / 1e9

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _state(tid: int) -> str:
    """The thread's kernel state letter and, asleep, the syscall it sleeps in."""
    stat = _read(Path(f"/proc/self/task/{tid}/stat"))
    letter = stat.rsplit(")", 1)[-1].split()[0] if stat else "?"
    if letter == "R":
        return "R (on a CPU or runnable)"
    call = _read(Path(f"/proc/self/task/{tid}/syscall")).split()
    name = SYSCALLS.get(int(call[0]), f"syscall {call[0]}") if call and call[0].isdigit() else ""
    return f"{letter} {name}".strip()


def _where(frame: FrameType | None, depth: int = 6) -> str:
    """The innermost frames, innermost first, as file:line function (no source read: the
    watcher must take as little of the GIL as it can)."""
    found = []
    while frame is not None and len(found) < depth:
        code = frame.f_code
        found.append(f"{code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return " < ".join(found)


class Watch(threading.Thread):
    """Samples the GUI thread while `probe.last` (its last tick, perf_counter) is old."""

    def __init__(self, probe: object, gui: threading.Thread) -> None:
        super().__init__(name="stall-watch", daemon=True)
        self.probe, self.gui = probe, gui
        self.tid = gui.native_id or 0
        self.quit = threading.Event()
        # stall number (the tick that ends it) → Counter of stacks, of states, of others running
        self.stacks: dict[int, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.states: dict[int, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.late: dict[int, float] = collections.defaultdict(float)  # longest sample delay

    def run(self) -> None:
        planned = time.perf_counter()
        while not self.quit.is_set():
            planned += SAMPLE_MS / 1000
            time.sleep(max(0.0, planned - time.perf_counter()))
            now = time.perf_counter()
            delay, planned = now - planned, max(planned, now)
            last = getattr(self.probe, "last", now)
            if (now - last) * 1000 <= AFTER_MS:
                continue
            n = len(getattr(self.probe, "stalls", ()))  # this stall ends the next tick
            self.late[n] = max(self.late[n], delay)
            frame = sys._current_frames().get(self.gui.ident or 0)
            self.stacks[n][_where(frame) or "(no Python frame)"] += 1
            self.states[n][f"GUI {_state(self.tid)}; others running: {self._others()}"] += 1

    def _others(self) -> str:
        running = []
        for thread in threading.enumerate():
            tid = thread.native_id
            if thread is self or thread is self.gui or tid is None:
                continue
            if _state(tid).startswith("R"):
                running.append(thread.name.removeprefix("assessor-tasks-"))
        return ",".join(running) or "none"

    def stop(self) -> None:
        self.quit.set()
        self.join(1.0)

    def report(self, stall: int, top: int = 4) -> list[str]:
        lines = [f"      watcher's worst sample delay {self.late[stall] * 1000:.1f} ms "
                 "(> a few ms: someone held the GIL)"]  # fmt: skip
        total = sum(self.stacks[stall].values())
        for text, k in self.states[stall].most_common(top):
            lines.append(f"      {k}/{total} samples: {text}")
        for text, k in self.stacks[stall].most_common(top):
            lines.append(f"      {k}/{total} at {text}")
        return lines
