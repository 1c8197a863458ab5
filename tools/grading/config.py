"""Grading settings: time limits, sandbox limits and where things are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
COURSE_CODE = ROOT / "nnlab"


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use."""

    memory_bytes: int = 4 * 2**30      # address space; numpy then raises MemoryError
    file_bytes: int = 64 * 2**20       # largest file it may write
    open_files: int = 512
    processes: int = 256               # threads count too (ipykernel uses about ten)


@dataclass(frozen=True)
class Settings:
    """One grading run."""

    cell_timeout: float = 60.0         # seconds for one cell (the student's cells and each test cell)
    notebook_timeout: float = 300.0    # seconds for a whole submission
    workers: int = 2
    sandbox: bool = True               # False only with an explicit opt-out; grades.csv says so
    max_restarts: int = 3              # kernels restarted after a crash, per submission
    limits: Limits = field(default_factory=Limits)
