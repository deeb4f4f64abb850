"""``python -m cx``: the same as the ``cx`` command."""

import sys

from cx.cli import main

sys.exit(main())
