"""`python -m assessor.cli`, the same as the `assessor` command."""

import sys

from assessor.cli import main

sys.exit(main())
