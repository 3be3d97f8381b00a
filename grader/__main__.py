"""``python -m grader`` is ``mlmath``."""

import sys

from grader.cli import main

sys.exit(main())
