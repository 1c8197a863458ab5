# The student edition (no solutions, hidden tests or gradebook): `make student-edition [EDITION=dir]`
# writes the tree and nnlab-student.zip next to it. See tools/student_edition.py.
EDITION ?= _build/student-edition
.PHONY: student-edition

student-edition: $(VENV)/.course
	$(BIN)/python -m tools.student_edition "$(EDITION)"
