"""Grading one submission: the student's cells run in a sandboxed kernel; the tests run here.

1. The student's answer cells (and cells they added), with the read-only set-up cells from the
   source, run in a sandboxed kernel, cell by cell, each with a time limit, within a time
   budget for the whole notebook. A cell that kills the kernel (``os._exit``) is skipped and
   the kernel started again; ``exit()`` is made harmless.
2. The test cells, taken from the solutions (hidden tests included), run in the grader's own
   process, with every graded function replaced by a proxy. A proxy call sends its arguments
   into the kernel as plain data (``codec``), calls the student's function there and brings
   back what it returned, as plain data. So numpy, nnlab and every comparison the tests make
   are the grader's: nothing the student's code does can change how a result is judged.
3. Visible tests run first, then hidden tests: a hidden test's inputs reach the kernel only
   after every visible test's message is written, and nothing from the kernel reaches the
   feedback after that except pass or fail. A hidden test's message is the instructor's fixed
   description of it.
4. A graded function whose answer uses nnlab's own version (see ``nnlab.homework``) scores 0
   in every test that calls it.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import secrets
import shutil
import time
import types
from pathlib import Path

from nnlab.homework import own_code_problems

from . import codec
from .assignment import Assignment
from .config import Settings
from .kernel import KernelStartError, SandboxedKernel, read_response
from .model import SubmissionResult, TestResult
from .sandbox import Sandbox
from .submission import Job, Unreadable, prepare, read_notebook

CODEC_SOURCE = Path(codec.__file__).read_text(encoding="utf-8")
SERVER = "__nnlab_grading__"
PRELUDE = (
    # exit() / quit() would end the kernel after the cell; make them do nothing.
    "get_ipython().ask_exit = lambda *a, **k: None\n"
)
HINTS = {
    "NotImplementedError": "the answer cell still has raise NotImplementedError(): write your code there",
    "NameError": "a name it needs is not defined: did every cell above run without an error?",
    "UngradableValue": "it returned something other than numbers, arrays, lists, tuples or dicts of them",
}


class CallFailed(Exception):
    """A call into the kernel did not give a value; ``why`` is one of: raised, timeout, crashed, invalid."""

    def __init__(self, why: str, text: str):
        super().__init__(text)
        self.why = why


class Session:
    """The kernel of one submission, restarted (re-running the student's cells) after a crash."""

    def __init__(self, job_dir: Path, sandbox: Sandbox | None, code: list, settings: Settings,
                 launched: SandboxedKernel | None = None):
        self.job_dir, self.sandbox, self.code, self.settings = job_dir, sandbox, code, settings
        self.launched = launched      # a kernel already booting in job_dir, used by the first start
        self.deadline = time.monotonic() + settings.notebook_timeout
        self.kernel: SandboxedKernel | None = None
        self.skip: set = set()
        self.restarts = 0
        self.words: set = set()
        self.notes: list = []

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def start(self) -> bool:
        """Start the kernel and run the student's cells; False when no kernel could be had."""
        while True:
            if self.kernel is not None:
                self.kernel.stop()
            self.kernel, launched, self.launched = self.launched, self.launched, None
            for attempt in range(3):
                try:
                    if launched is not None and attempt == 0:
                        self.kernel.connect()
                    else:
                        self.kernel = SandboxedKernel(self.job_dir, self.sandbox)
                        self.kernel.start()
                    break
                except KernelStartError as err:
                    self.kernel.stop()
                    if attempt == 2:
                        self.words.add("error")
                        self.notes.append(f"the grading machine could not start a kernel: {err}; grade it again")
                        return False
            if self.kernel.execute(PRELUDE, 10).status != "ok":
                self.words.add("error")
                self.notes.append("the grading machine could not set up the kernel")
                return False
            died_at = self._run_cells()
            if died_at is None:
                setup = self.kernel.execute(
                    f"import types as _t\n{SERVER} = _t.ModuleType('{SERVER}')\n"
                    f"exec({CODEC_SOURCE!r}, {SERVER}.__dict__)\ndel _t\n", 30)
                if setup.status != "ok":
                    self.words.add("error")
                    self.notes.append("the grading helper could not be loaded into the kernel (a cell of the "
                                      "notebook may have replaced json or numpy)")
                    return False
                return True
            self.words.add("crashed")
            self.notes.append(f"the kernel died in {died_at}; that cell was skipped and the notebook run again")
            self.skip.add(died_at)
            self.restarts += 1
            if self.restarts > self.settings.max_restarts:
                self.notes.append("the kernel died too often; the rest could not be graded")
                return False

    def _run_cells(self):
        """Run the cells; the label of a cell that killed the kernel, or None."""
        previous = None
        for label, source in self.code:
            if label in self.skip:
                continue
            if not self.kernel.alive():
                return previous
            budget = min(self.settings.cell_timeout, self.left())
            if budget <= 0:
                self.words.add("timeout")
                self.notes.append("the notebook used its whole time budget; later cells did not run")
                return None
            reply = self.kernel.execute(source, budget)
            if reply.status == "died":
                return label
            if reply.status == "timeout":
                self.words.add("timeout")
                self.notes.append(f"{label} ran past the time limit ({budget:.0f} s) and was interrupted")
                if not self.kernel.alive():
                    return label
            previous = label
        return None if self.kernel.alive() else previous

    def call(self, name: str, args, kwargs, cell_left: float):
        """Call the student's function ``name`` in the kernel; returns (value, args after)."""
        if self.kernel is None or not self.kernel.alive():
            raise CallFailed("crashed", "the kernel is not running (it died earlier)")
        budget = min(cell_left, self.left())
        if budget <= 0:
            raise CallFailed("timeout", "no time was left for this test")
        try:
            request = json.dumps({"name": name, "args": codec.encode(list(args)),
                                  "kwargs": codec.encode(dict(kwargs))})
        except codec.CodecError as err:
            raise RuntimeError(f"the test passes {err} to {name}(): fix the test") from None
        token = secrets.token_hex(8)
        req, resp = self.job_dir / f"req-{token}.json", self.job_dir / f"resp-{token}.json"
        fd = os.open(req, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(request)
        reply = self.kernel.execute(f"{SERVER}.serve_call({str(req)!r}, {str(resp)!r}, globals())", budget)
        text = read_response(resp)
        for p in (req, resp):
            with contextlib.suppress(OSError):
                os.unlink(p)
        if reply.status == "timeout":
            raise CallFailed("timeout", f"{name}() ran past the time limit and was interrupted")
        if reply.status == "died":
            raise CallFailed("crashed", f"the kernel died while {name}() ran")
        if reply.status != "ok" or text is None:
            raise CallFailed("invalid", f"{name}() could not be called (did the notebook replace something "
                                        "the grader needs?)")
        try:
            out = json.loads(text)
            if not out.get("ok"):
                ename = str(out.get("error", "Error"))
                ename = ename if ename.isidentifier() and len(ename) <= 40 else "Error"
                hint = HINTS.get(ename, "")
                raise CallFailed("raised", f"{name}() raised {ename}" + (f" ({hint})" if hint else ""))
            value = codec.decode(out["value"], make_mlp)
            after = [None if a is None else a for a in out.get("args", [])]
        except CallFailed:
            raise
        except (codec.CodecError, KeyError, TypeError, ValueError, RecursionError) as err:
            raise CallFailed("invalid", f"what {name}() returned cannot be graded: {err}") from None
        return value, after

    def stop(self):
        if self.kernel is not None:
            self.kernel.stop()


def make_mlp(sizes, hidden, output, keep_prob, params):
    """A network the student's code returned, rebuilt from its sizes, activations and parameters."""
    import nnlab

    try:
        net = nnlab.MLP(sizes, hidden=hidden, output=output, keep_prob=keep_prob, seed=0)
        net.set_params(params)
    except (ValueError, TypeError, KeyError) as err:
        raise codec.CodecError(f"a network that cannot be rebuilt ({err})") from None
    return net


def _write_back(original, after):
    """Apply a call's in-place changes of its arguments (arrays, dicts, lists, generators)."""
    import numpy as np

    if after is None:
        return
    if "same" in after:
        new = codec.decode(after["v"])
        if isinstance(original, np.random.Generator) and isinstance(new, np.random.Generator):
            original.bit_generator.state = new.bit_generator.state
        elif isinstance(original, np.ndarray) and isinstance(new, np.ndarray) and new.shape == original.shape \
                and original.flags.writeable:
            np.copyto(original, new.astype(original.dtype, copy=False), casting="unsafe")
        return
    items = after.get("dict") if isinstance(original, dict) else after.get("list") if isinstance(original, list) else None
    for key, entry in items or []:
        if isinstance(original, list) and not (isinstance(key, int) and 0 <= key < len(original)):
            continue
        new = codec.decode(entry["v"])
        old = original[key] if (isinstance(original, list) or key in original) else None
        if entry.get("same") and isinstance(old, np.ndarray) and isinstance(new, np.ndarray) \
                and old.shape == new.shape and old.flags.writeable:
            np.copyto(old, new.astype(old.dtype, copy=False), casting="unsafe")
        elif entry.get("same") and isinstance(old, np.random.Generator) and isinstance(new, np.random.Generator):
            old.bit_generator.state = new.bit_generator.state
        else:
            original[key] = new


class Proxy:
    """Stands for the student's function ``name`` in the test's namespace."""

    def __init__(self, name: str, runner: "TestRun"):
        self.__name__ = name
        self._runner = runner

    def __call__(self, *args, **kwargs):
        run = self._runner
        run.called.add(self.__name__)
        value, after = run.session.call(self.__name__, args, kwargs, run.cell_left())
        for original, change in zip(args, after):
            _write_back(original, change)
        return value

    def __repr__(self):
        return f"<your function {self.__name__}>"


_SETUP_CACHE: dict = {}


class TestRun:
    """Runs the test cells of one submission in one namespace of the grader's own."""

    def __init__(self, assignment: Assignment, session: Session):
        self.a, self.session = assignment, session
        self.ns: dict = {"__name__": "__grading__"}
        self.called: set = set()
        self.cell_start = time.monotonic()

    def cell_left(self) -> float:
        return self.session.settings.cell_timeout - (time.monotonic() - self.cell_start)

    def setup(self):
        """Run the assignment's set-up cells here once per process; each submission gets a copy."""
        key = (self.a.name, tuple(src for _, src in self.a.setup))
        if key not in _SETUP_CACHE:
            ns: dict = {"__name__": "__grading__"}
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                for _, source in self.a.setup:
                    exec(compile(source, "<set-up>", "exec"), ns)
            _SETUP_CACHE[key] = ns
        self.ns = {k: v if isinstance(v, types.ModuleType) or callable(v) else copy.deepcopy(v)
                   for k, v in _SETUP_CACHE[key].items()}
        for name in self.a.functions:
            self.ns[name] = Proxy(name, self)

    def run(self, test) -> tuple[bool, str, str]:
        """(passed, message, why) for one test cell; why is "", "timeout", "crashed", ...."""
        self.called = set()
        self.cell_start = time.monotonic()
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                import numpy as np

                with np.errstate(all="ignore"):
                    exec(compile(test.source, f"<{test.grade_id}>", "exec"), self.ns)
            return True, "", ""
        except CallFailed as err:
            return False, str(err), err.why
        except AssertionError as err:
            return False, str(err) or "a check of this test failed", ""
        except Exception as err:  # the student's values broke the test (a wrong type, shape, ...)
            return False, f"{type(err).__name__}: {err}"[:600], ""


def launch_kernel(workdir: Path, sandbox: Sandbox | None) -> SandboxedKernel:
    """A kernel booting in a fresh job folder, for the next submission ``grade`` is given."""
    job_dir = workdir / f"job-{secrets.token_hex(6)}"
    if sandbox is not None:
        sandbox.prepare(job_dir)
    else:
        job_dir.mkdir(parents=True)
    kernel = SandboxedKernel(job_dir, sandbox)
    kernel.launch()
    return kernel


def grade(job: Job, a: Assignment, release, settings: Settings, sandbox: Sandbox | None,
          workdir: Path, launched: SandboxedKernel | None = None) -> SubmissionResult:
    """Grade one submission (never raises for anything the submission does). ``launched``: a
    kernel from ``launch_kernel``, already booting (it is stopped here if not needed)."""
    res = SubmissionResult(job.student, job.assignment, a.max_score, a.manual_points,
                           "bwrap" if sandbox is not None else "off", notes=list(job.notes))
    manual = [TestResult(gid, "manual", pts, None, "graded by hand") for gid, pts in a.manual]
    if launched is not None and (job.file is None):
        launched.stop()
        shutil.rmtree(launched.job, ignore_errors=True)
        launched = None
    if job.file is None:
        res.words.add("missing")
        res.notes.append("no .ipynb file in the folder")
        res.tests = _all_failed(a, "nothing was submitted") + manual
        return res
    try:
        sub = read_notebook(job.file)
    except Unreadable as err:
        if launched is not None:
            launched.stop()
            shutil.rmtree(launched.job, ignore_errors=True)
        res.words.add("invalid")
        res.notes.append(f"{job.file.name}: {err}")
        res.tests = _all_failed(a, "the notebook could not be read") + manual
        return res
    prep = prepare(sub, release, a.source_text)
    res.words |= prep.notes

    forbidden = {n for names in a.own_code.values() for n in names}
    problems = own_code_problems(prep.student_code, forbidden)
    zeroed = {}
    for p in problems:
        for f, names in a.own_code.items():
            if p.name is None or p.name in names:
                zeroed.setdefault(f, []).append(p)
    if problems:
        res.words.add("own_code")
        res.notes += [f"not your own code: {p}" for p in problems[:10]]

    if launched is None:
        launched = launch_kernel(workdir, sandbox)
    job_dir = launched.job
    session = Session(job_dir, sandbox, prep.code, settings, launched)
    try:
        started = session.start()
        run = TestRun(a, session)
        run.setup()
        ordered = [t for t in a.tests if not t.hidden] + [t for t in a.tests if t.hidden]
        results = {}
        for t in ordered:
            if not started:
                passed, msg, why = False, "the notebook could not be run", "error"
            else:
                passed, msg, why = run.run(t)
                if why == "crashed" and session.restarts < settings.max_restarts and session.left() > 0:
                    session.words.add("crashed")
                    session.notes.append(f"the kernel died in {t.grade_id}; it was started again for the later tests")
                    session.restarts += 1
                    started = session.start()
                if why == "timeout":
                    session.words.add("timeout")
            own = sorted({f for f in run.called if f in zeroed})
            if own:
                passed, msg = False, (f"{', '.join(own)} uses nnlab's own version "
                                      f"({zeroed[own[0]][0].what}): graded answers must be your own code")
            points = t.points if passed else 0.0
            if t.hidden:
                msg = t.description if not own else msg
            results[t.grade_id] = TestResult(t.grade_id, "hidden" if t.hidden else "visible", t.points, points,
                                             "passed" if passed else "failed", msg)
        res.tests = [results[t.grade_id] for t in a.tests] + manual
        res.score = round(sum(r.points for r in res.tests if r.points is not None), 2)
    finally:
        session.stop()
        res.words |= session.words
        res.notes += session.notes
        shutil.rmtree(job_dir, ignore_errors=True)
    return res


def _all_failed(a: Assignment, why: str) -> list:
    return [TestResult(t.grade_id, "hidden" if t.hidden else "visible", t.points, 0.0, "failed",
                       t.description if t.hidden else why) for t in a.tests]
