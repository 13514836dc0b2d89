"""``python -m verify``: the ``relu-verify`` command."""

import sys

from .cli.main import main

sys.exit(main())
