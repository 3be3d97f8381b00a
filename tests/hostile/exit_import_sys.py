"""Attack: sys.exit(0) while the module is imported, hoping for a clean "all passed" exit."""

import sys

sys.exit(0)
