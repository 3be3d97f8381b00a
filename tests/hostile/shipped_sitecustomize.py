"""Shipped as sitecustomize.py and pytest.py: runs if any interpreter imports it."""

import os

CONFIG: dict = {}

if CONFIG:
    try:
        with open(os.path.join(CONFIG["canary"], "sitecustomize-" + CONFIG["token"]), "w") as f:
            f.write("imported")
    except OSError:
        pass
