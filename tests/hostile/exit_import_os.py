"""Attack: os._exit(0) while the module is imported: no cleanup, exit status 0."""

import os

os._exit(0)
