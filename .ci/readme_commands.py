"""Print one of the README's two Quick start commands: `demo` (first) or `test` (second)."""

import re
import sys
from pathlib import Path

text = Path(__file__).resolve().parents[1].joinpath("README.md").read_text() + "\n# end\n"
section = re.search(r"^#+\s*Quick start\s*$(.*?)(?=^#+\s)", text, re.M | re.S | re.I)
blocks = re.findall(r"```[a-z]*\n(.*?)```", section.group(1) if section else "", re.S)
if len(blocks) != 2:
    sys.exit(f"README.md: Quick start must hold exactly two fenced commands, found {len(blocks)}")
print(blocks[{"demo": 0, "test": 1}[sys.argv[1]]].strip())
