"""Fault injection for crash tests: ``CASENOTE_TEST_KILL_AT=<point>`` makes the process SIGKILL
itself when it reaches that named point, so tests can show a real kill loses nothing.

``<point>`` may be ``name`` (die on arrival) or ``name:SECONDS`` (die that many seconds after
arriving, i.e. in the middle of the work that follows, such as transcription).
"""
from __future__ import annotations

import os
import signal
import threading

__all__ = ["fault_point", "KILL_ENV"]

KILL_ENV = "CASENOTE_TEST_KILL_AT"


def fault_point(name: str) -> None:
    spec = os.environ.get(KILL_ENV, "")
    point, _, delay = spec.partition(":")
    if not spec or point != name:
        return
    if delay:
        timer = threading.Timer(float(delay), os.kill, (os.getpid(), signal.SIGKILL))
        timer.daemon = True
        timer.start()
    else:
        os.kill(os.getpid(), signal.SIGKILL)
