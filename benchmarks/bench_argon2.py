"""One guess at a sealed key (an Argon2id derivation at DEFAULT_KDF_COST, then AES-GCM),
against the 250 ms floor.

Each guess at a stolen sealed key costs an attacker this, so here higher is better: the ratio
is ms per guess / 250 ms, goal >= 1.0.

Run: python3 benchmarks/bench_argon2.py [N]
"""

from __future__ import annotations

import os
import sys

from _common import median_seconds
from assessor.security.keys import DEFAULT_KDF_COST, WrongPassphrase, create_key, unseal

N = max(5, int(sys.argv[1]) if len(sys.argv) > 1 else 7)
FLOOR_SECONDS = 0.250


def main() -> None:
    iterations, lanes, memory_cost = DEFAULT_KDF_COST

    sealed, _ = create_key("correct horse battery staple")  # also warms the allocator up

    def one() -> None:
        try:
            unseal(sealed, "wrong horse battery staple")
        except WrongPassphrase:
            pass
        else:
            raise AssertionError("a wrong passphrase opened the key")

    seconds = median_seconds(one, N)
    print(
        f"Argon2id iterations={iterations} lanes={lanes} memory={memory_cost // 1024} MiB, "
        f"median of {N} on {os.cpu_count()} CPU(s)"
    )
    print(f"ms per guess: {seconds * 1000:.1f}, floor {FLOOR_SECONDS * 1000:.0f} ms")
    print(f"ratio {seconds / FLOOR_SECONDS:.2f} (goal >= 1.0)")


if __name__ == "__main__":
    main()
