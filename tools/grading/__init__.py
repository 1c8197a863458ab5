"""Sandboxed autograding of the nnlab homework (see docs/homework.md).

One concept per module:

==============  ==============================================================
config          time limits, sandbox limits, where things are
assignment      an assignment read from its solution notebook
submission      finding submissions, reading them safely, matching their cells
sandbox         the bubblewrap sandbox a student's kernel runs in
kernel          a Jupyter kernel in the sandbox, driven over ipc sockets
codec           plain-data values that cross the sandbox wall (no pickles)
runner          grading one submission: student cells in the kernel, tests here
model           typed results
report          grades.csv, cells.csv and the feedback pages (a template)
generate        the student versions, with nbgrader
cli             the command line
==============  ==============================================================
"""
