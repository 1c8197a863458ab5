"""nbgrader configuration for the nnlab homework (nbgrader 0.9).

The solution notebooks in solutions/<assignment>/ are the single source; `make exercises`
generates the student versions in exercises/<assignment>/. Grading (`make grade`) is not
nbgrader's autograde: it runs tools/grading, which runs each student's notebook in a sandbox and
the tests in the grader's own process (see docs/homework.md).
"""

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Each cell may run for at most this many seconds when validated or graded.
c.Execute.timeout = 60
