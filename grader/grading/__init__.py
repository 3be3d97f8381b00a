"""A class run: reading submissions, the runner and its workers, the gradebook, feedback and
the report."""
