"""``python -m verify.cli``: the ``relu-verify`` command."""

import sys

from .main import main

sys.exit(main())
