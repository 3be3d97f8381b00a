"""The learner's self-check: ``mlmath check``, its pytest plugin, and the bundle's
``mlmath-check``."""
