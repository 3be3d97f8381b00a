#!/usr/bin/env bash
# mlmath's Gradescope setup: Gradescope runs this once, as root, in /autograder/source, when it
# builds the autograder image. It installs bubblewrap (the sandbox's strongest layer) and a
# Python 3.11+ from Ubuntu, then mlmath and its dependencies from PyPI into a venv.
# Nothing else is downloaded. The venv lives beside source/ (/autograder/mlmath-venv).
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${MLMATH_AUTOGRADER_ROOT:-$(dirname "$SOURCE")}"
export DEBIAN_FRONTEND=noninteractive

apt-get update
apt-get install -y --no-install-recommends bubblewrap python3 python3-venv python3-pip

PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # Ubuntu 22.04's python3 is 3.10; its universe has 3.11 (the 24.04 image has 3.12).
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON=python3.11
fi

"$PYTHON" -m venv "$ROOT/mlmath-venv"
"$ROOT/mlmath-venv/bin/python" -m pip install --upgrade pip
"$ROOT/mlmath-venv/bin/python" -m pip install -r "$SOURCE/requirements.txt" "$SOURCE/mlmath-src"
# The preflight of every run checks this, but fail the image build early if it cannot work:
"$ROOT/mlmath-venv/bin/python" -c "import numpy, sympy, scipy, matplotlib, grader.cli"
