"""``python -m gen_dash``: see :mod:`gen_dash.cli`."""

import sys

from gen_dash.cli import main

if __name__ == "__main__":  # not when the test suite collects the package's doctests
    sys.exit(main())
