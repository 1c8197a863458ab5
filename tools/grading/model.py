"""Typed results of grading: one TestResult per test cell, one SubmissionResult per notebook."""

from __future__ import annotations

from dataclasses import dataclass, field

# Status words, in the order grades.csv lists them (several are joined by "+").
STATUS_ORDER = ("invalid", "missing", "error", "crashed", "timeout", "own_code", "tests_deleted",
                "tests_edited", "duplicate_cells", "metadata_repaired")


@dataclass
class TestResult:
    grade_id: str
    kind: str                 # "visible", "hidden" or "manual"
    max_points: float
    points: float | None      # None for a written answer (graded by hand)
    result: str               # "passed", "failed", "graded by hand"
    message: str = ""         # visible: what the grader's check said; hidden: the instructor's fixed text


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    max_score: float
    manual_max_score: float
    sandbox: str                          # "bwrap", or "off" when grading ran without a sandbox
    score: float = 0.0
    words: set = field(default_factory=set)
    notes: list = field(default_factory=list)
    tests: list = field(default_factory=list)

    @property
    def status(self) -> str:
        ws = [w for w in STATUS_ORDER if w in self.words]
        return "+".join(ws) if ws else "ok"
