"""``python -m gen_dash``: see :mod:`gen_dash.cli`."""

import sys

from gen_dash.cli import main

sys.exit(main())
