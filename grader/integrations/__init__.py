"""Instructors stay in their tools: nbgrader, Gradescope, Canvas and Moodle.

- :mod:`grader.integrations.nbgrader_course`: ``mlmath nbgrader export`` writes an nbgrader
  course from the exercises (``source/<assignment>/exNN_*.ipynb`` with nbgrader's cell
  metadata, ``nbgrader_config.py`` and ``mlmath_course.json``, the map of which notebook is
  which exercise and which test cell grades which task).
- :mod:`grader.integrations.nbgrader_submissions`: an nbgrader course's ``submitted/`` tree
  read as mlmath submissions (locked cells restored from ``release/`` as nbgrader does, test
  cells dropped), trusting no file. Needs nbformat only.
- :mod:`grader.integrations.nbgrader_gradebook`: mlmath's results written into nbgrader's own
  gradebook and ``autograded/`` folder, so formgrader, ``nbgrader export`` and
  ``nbgrader generate_feedback`` see them. Needs nbgrader.
- :mod:`grader.integrations.gradescope`: ``mlmath gradescope build`` writes an autograder zip
  that runs ``mlmath grade`` on Gradescope.
- :mod:`grader.integrations.lms`: Canvas and Moodle grade import files.
"""
