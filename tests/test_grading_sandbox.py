"""The grading sandbox itself (tools/grading): who a student's kernel is, what it can see and
use, that nothing outlives it; the plain-data codec; the own-code check (nnlab.homework).

The limits are probed with bounded code only: no memory, fork or disk bombs on this machine.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnlab.homework import own_code_problems  # noqa: E402
from tools.grading import codec  # noqa: E402
from tools.grading.config import COURSE_CODE, Limits  # noqa: E402
from tools.grading.kernel import SandboxedKernel  # noqa: E402
from tools.grading.sandbox import Sandbox, SandboxUnavailable, check_available  # noqa: E402


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = Sandbox.for_course(COURSE_CODE, Limits())
    try:
        check_available(sb, tmp_path_factory.mktemp("probe"))
    except SandboxUnavailable as err:
        if os.environ.get("CI") or os.environ.get("NNLAB_REQUIRE_NBGRADER"):
            raise
        pytest.skip(f"no sandbox on this machine: {err}")
    return sb


PROBE = r"""
import json, os, resource, socket
out = {"uid": os.getuid(), "gid": os.getgid(), "home": os.path.expanduser("~"), "tmp": os.listdir("/tmp")}
out["limits"] = {k: resource.getrlimit(getattr(resource, k))[0] for k in ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_NPROC")}
out["root_listing"] = sorted(os.listdir("/"))
def can(f):
    try:
        f()
        return True
    except Exception:
        return False
out["sees_solutions"] = can(lambda: os.listdir(SOLUTIONS))
out["sees_checkout"] = can(lambda: os.listdir(CHECKOUT))
out["writes_course"] = can(lambda: open(os.path.join(COURSE, "x.py"), "w"))
out["root_home"] = sorted(os.listdir("/root")) if os.path.isdir("/root") else []
out["network"] = can(lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2))
out["big_file"] = can(lambda: open("big.bin", "wb").write(b"0" * (100 * 2**20)))
try:
    import numpy as np
    np.ones(6 * 2**30 // 8)
    out["memory"] = "allocated"
except MemoryError:
    out["memory"] = "MemoryError"
open("probe.json", "w").write(json.dumps(out))
"""


def test_kernel_runs_as_nobody_sees_only_its_folder_and_has_limits(sandbox, tmp_path):
    job = tmp_path / "job"
    sandbox.prepare(job)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    k = SandboxedKernel(job, sandbox)
    k.start()
    try:
        code = (f"SOLUTIONS = {str(ROOT / 'solutions')!r}\nCHECKOUT = {str(ROOT)!r}\n"
                f"COURSE = {str(COURSE_CODE)!r}\nPORT = {listener.getsockname()[1]}\n" + PROBE)
        reply = k.execute(code, 60)
        assert reply.status == "ok", reply
        out = json.loads((job / "probe.json").read_text())
    finally:
        k.stop()
        listener.close()
    assert (out["uid"], out["gid"]) == (65534, 65534)
    assert out["home"].startswith(str(job.resolve()))
    # /tmp is private: it holds only the folders leading to what is bound into the sandbox (the job's own
    # folder, and Python or the course when they live under /tmp, as in a clone made there)
    bound = [str(job.resolve()), *sandbox.readonly]
    assert all(any(p.startswith(f"/tmp/{name}/") for p in bound) for name in out["tmp"]), out["tmp"]
    lim = Limits()
    assert out["limits"] == {"RLIMIT_AS": lim.memory_bytes, "RLIMIT_FSIZE": lim.file_bytes,
                             "RLIMIT_NOFILE": lim.open_files, "RLIMIT_NPROC": lim.processes}
    assert not out["sees_solutions"] and not out["writes_course"] 
    # /root holds at most the path to the Python installation (pyenv), nothing of the real home folder
    assert set(out["root_home"]) <= {".pyenv"}, out["root_home"]
    assert not out["network"] and not out["big_file"] and out["memory"] == "MemoryError"
    assert "home" not in out["root_listing"] and "etc" in out["root_listing"]
    assert not (COURSE_CODE / "x.py").exists()


def test_no_process_outlives_the_kernel(sandbox, tmp_path):
    job = tmp_path / "job"
    sandbox.prepare(job)
    k = SandboxedKernel(job, sandbox)
    k.start()
    beat = job / "beat"
    k.execute("import os\nos.system(\"setsid sh -c 'while true; do date +%s%N > beat; sleep 0.1; done' "
              ">/dev/null 2>&1 &\")", 10)
    time.sleep(1)
    assert beat.exists(), "the probe's background process did not start"
    k.stop()
    time.sleep(0.5)
    first = beat.read_text()
    time.sleep(1)
    assert beat.read_text() == first, "a process started by the kernel still runs after the kernel stopped"


def test_a_timeout_interrupts_the_cell_and_the_kernel_goes_on(sandbox, tmp_path):
    job = tmp_path / "job"
    sandbox.prepare(job)
    k = SandboxedKernel(job, sandbox)
    k.start()
    try:
        assert k.execute("import time\ntime.sleep(100)", 2).status == "timeout"
        assert k.execute("x = 1", 10).status == "ok"
        r = k.execute("raise KeyboardInterrupt", 10)
        assert (r.status, r.ename) == ("error", "KeyboardInterrupt")   # the student's own: not a timeout
    finally:
        k.stop()


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, float("nan"), "text", (1, [2.0, {"a": None}]),
    np.arange(6.0).reshape(2, 3), np.array([True, False]), np.zeros((0, 4), dtype=np.int32),
])
def test_codec_round_trips_plain_data(value):
    back = codec.loads(codec.dumps(value))
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    elif isinstance(value, float) and value != value:
        assert back != back
    else:
        assert back == value and type(back) is type(value)


def test_codec_keeps_a_generators_state_and_refuses_code():
    rng = np.random.default_rng(7)
    rng.random(3)
    back = codec.loads(codec.dumps(rng))
    assert np.array_equal(back.random(4), rng.random(4))
    for bad in (lambda: 0, object(), np.array(["a"]), {1.5: 2}):
        with pytest.raises(codec.CodecError):
            codec.dumps(bad)
    with pytest.raises(codec.CodecError):
        codec.loads('{"t": "mlp", "sizes": [1, 1], "hidden": "relu", "output": "identity", "keep_prob": 1, '
                    '"params": null}')   # a network is rebuilt only by the grader
    with pytest.raises(codec.CodecError):
        codec.loads('{"t": "nd", "dtype": "|O", "shape": [1], "b64": ""}')
    with pytest.raises(codec.CodecError):
        codec.loads("[" * 100000)


@pytest.mark.parametrize("source,name", [
    ("def f(Z):\n    return nnlab.activations.sigmoid_prime(Z)", "sigmoid_prime"),
    ("from nnlab.activations import sigmoid_prime as s", "sigmoid_prime"),
    ("from nnlab import layers as L\ng = L.sigmoid_prime", "sigmoid_prime"),
    ("g = getattr(nnlab, 'sigmoid' + '_prime')", None),
    ("from nnlab.activations import *", None),
    ("exec('x = 1')", None),
    ("import importlib", None),
    ("import sys\nsys.modules['nnlab']", None),
    ("get_ipython().input_transformers_post.append(f)", None),
    ("%run other.py", None),
])
def test_own_code_check_flags_nnlab_answers_however_reached(source, name):
    problems = own_code_problems([source], {"sigmoid_prime"})
    assert problems and problems[0].name == name, problems


def test_own_code_check_allows_ordinary_code():
    ok = ("import numpy as np\nimport sys\nfrom nnlab.losses import accuracy\n%matplotlib inline\n"
          "def sigmoid_prime(Z):\n    S = nnlab.sigmoid(Z)\n    print('x', file=sys.stderr)\n    return S * (1 - S)\n"
          "acc = accuracy(np.zeros((2, 2)), np.zeros(2, int))\nnet = nnlab.MLP([2, 2])\n")
    assert own_code_problems([ok], {"sigmoid_prime", "dense_forward"}) == []
