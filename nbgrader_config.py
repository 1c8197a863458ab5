"""nbgrader configuration for the nnlab homework (nbgrader 0.9).

The solution notebooks in solutions/<assignment>/ are the single source; `make exercises`
generates the student versions in exercises/<assignment>/. Grading (`make grade`) runs
tools/grade.py, which copies submissions into a temporary course directory with its own
gradebook, so nothing here is written next to the submissions.
"""

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# Each cell may run for at most this many seconds when validated or graded.
c.Execute.timeout = 60
