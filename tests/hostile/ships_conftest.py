"""Attack: a wrong add, shipped with conftest.py, pytest.ini, sitecustomize.py and pytest.py
beside it (see shipped_*.py), hoping the grader's pytest picks them up."""


def add(a, b):
    return a - b - 1
