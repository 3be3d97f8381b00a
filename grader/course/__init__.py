"""Authoring: solutions -> exercises and their public tests, the learner bundle, the task table."""
