"""Print the CTranslate2 instruction sets this CPU can run, one a line (``make test-cpus`` runs the
real-model tests under each with ``CT2_FORCE_CPU_ISA``). Forcing one the CPU lacks would crash the
process with an illegal instruction, so only those its flags show are listed."""
from __future__ import annotations

from pathlib import Path

# CTranslate2's x86 dispatch levels and the CPU flags each needs.
NEEDS = {"GENERIC": set(), "AVX": {"avx"}, "AVX2": {"avx2", "fma"}, "AVX512": {"avx512f", "avx512bw", "avx512vl"}}


def supported() -> list[str]:
    flags: set[str] = set()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    return [isa for isa, need in NEEDS.items() if need <= flags]


if __name__ == "__main__":
    print("\n".join(supported()))
