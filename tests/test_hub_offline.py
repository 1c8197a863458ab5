"""The course server's parts that need no root, no browser and no cluster (docs/server.md).

* hub/: the roster reader, and the students' config that `make hub` writes (the same settings
  as the Kubernetes image's deploy/k8s/jupyter-config).
* deploy/k8s, on paper: the YAML files and the Dockerfile parse, the Dockerfile copies files that
  exist and installs from environment.yml, and environment.yml holds every package that the
  students' servers in tests/test_hub_e2e.py run with (pyproject's dependencies and its `hub`
  extra, which mk/hub.mk installs into HUB_DIR/venv). Nothing here builds an image or talks to
  Kubernetes: neither is available on the development machine.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from hub import accounts, course
from hub.layout import Layout

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
yaml = pytest.importorskip("yaml")  # PyYAML comes with jupyter-book/jupyterhub (the instructor and hub extras)


# --- hub/ ------------------------------------------------------------------------------------

def test_roster_reads_first_column_skips_header_comments_and_blanks(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufeffstudent_id,name\nB11200001,Ann\n\n# dropped the course\nb11200002,Bo\n", encoding="utf-8")
    assert accounts.read_roster(roster) == ["b11200001", "b11200002"]


@pytest.mark.parametrize("bad", ["../etc", "a b", "root;rm", "x" * 25, "-r", ""])
def test_roster_refuses_ids_that_are_not_safe_unix_names(bad):
    with pytest.raises(SystemExit, match="student id"):
        accounts.check_id(bad)


def test_setup_writes_everything_under_the_hub_folder_and_is_rerunnable(tmp_path):
    layout = Layout(tmp_path / "hub")
    course.setup(layout)
    first = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    course.setup(layout)  # `make hub` again: the same folder, the same files
    assert {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == first
    assert all(str(p).startswith("hub/") for p in first)
    assert (layout.course.stat().st_mode & 0o777) == 0o700      # the instructor's folder: root only
    assert (layout.hub_dir.stat().st_mode & 0o777) == 0o711     # students pass through, cannot list
    cfg = (layout.config_path / "nbgrader_config.py").read_text()
    assert f"c.Exchange.root = {str(layout.exchange)!r}" in cfg


def test_students_config_is_the_same_on_the_hub_and_in_the_kubernetes_image(tmp_path):
    layout = Layout(tmp_path / "hub")
    course.setup(layout)
    for rel in ("jupyter_server_config.json", "labconfig/page_config.json"):
        assert json.loads((layout.config_path / rel).read_text()) == \
            json.loads((K8S / "jupyter-config" / rel).read_text()), rel
    page = json.loads((K8S / "jupyter-config" / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert all(page[p] for p in course.INSTRUCTOR_PLUGINS) and page["@jupyter/nbgrader"] is False
    server = json.loads((K8S / "jupyter-config" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False


# --- deploy/k8s, on paper ------------------------------------------------------------------------

def load_yaml(name: str) -> list:
    return [d for d in yaml.safe_load_all((K8S / name).read_text()) if d is not None]


def test_chart_values_parse_and_have_what_docs_server_md_promises():
    (values,) = load_yaml("config.yaml")
    assert set(values) <= {"hub", "singleuser", "cull", "scheduling", "proxy", "prePuller", "ingress"}
    su = values["singleuser"]
    assert su["image"]["name"] and su["image"]["tag"]
    assert su["storage"]["type"] == "dynamic"                       # persistent home per student
    mounts = {m["name"]: m["mountPath"] for m in su["storage"]["extraVolumeMounts"]}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in su["storage"]["extraVolumes"]}
    (pvc,) = load_yaml("exchange-pvc.yaml")
    assert pvc["kind"] == "PersistentVolumeClaim" and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    assert claims["nbgrader-exchange"] == pvc["metadata"]["name"]
    exchange_root = re.search(r'c\.Exchange\.root = "([^"]+)"',
                              (K8S / "jupyter-config" / "nbgrader_config.py").read_text()).group(1)
    assert mounts["nbgrader-exchange"] == exchange_root             # the exchange is the shared volume
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    assert su["memory"]["limit"] and su["cpu"]["limit"]


def test_grading_job_parses_and_runs_the_same_grader_as_make_grade():
    (job,) = load_yaml("grade-job.yaml")
    assert job["kind"] == "Job"
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"][:4] == ["python", "-m", "tools.grading", "grade"]
    assert container["resources"]["limits"]["memory"]
    assert "tools.grading grade" in (ROOT / "mk" / "homework.mk").read_text()


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (K8S / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_parses_copies_files_that_exist_and_installs_environment_yml():
    known = {"FROM", "RUN", "COPY", "ADD", "USER", "ENV", "ARG", "WORKDIR", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT"}
    ins = dockerfile_instructions()
    assert ins[0][0] == "FROM" and ":" in ins[0][1]                   # a pinned base image
    assert all(word in known for word, _ in ins), [w for w, _ in ins if w not in known]
    for word, rest in ins:
        if word == "COPY":
            *sources, _dest = shlex.split(rest)
            for src in sources:
                assert (ROOT / src).exists(), f"Dockerfile copies {src}, which is not in the repository"
    runs = " ".join(rest for word, rest in ins if word == "RUN")
    assert "env update -n base -f environment.yml" in runs
    users = [rest for word, rest in ins if word == "USER"]
    assert users and users[-1] == "${NB_UID}"                       # students are not root in the image


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_image_has_the_packages_the_hub_test_runs_with():
    """The students' servers in the hub test run pyproject's dependencies + the `hub` extra
    (mk/hub.mk installs `.[hub]` into HUB_DIR/venv); the image installs environment.yml."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["hub"]
    assert '[hub]"' in (ROOT / "mk" / "hub.mk").read_text()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = {_name(d): d for d in env if isinstance(d, str)}
    pip = {_name(d): d for d in next(d["pip"] for d in env if isinstance(d, dict))}
    have = {**conda, **pip}
    for req in wanted:
        name = _name(req)
        assert name in have, f"{name} (pyproject) is not in environment.yml, so not in the course image"
        spec = req[len(name):].strip()
        assert have[name].replace(" ", "").endswith(spec.replace(" ", "")), (req, have[name])
    # the jupyterhub-singleuser the chart starts comes from the jupyterhub package in the image
    assert "jupyterhub" in pip


# --- the browser test's skip rule ------------------------------------------------------------------

@pytest.mark.parametrize("env, skips", [({}, True), ({"CI": "true"}, False), ({"CI": "1"}, False),
                                        ({"CI": "false"}, True), ({"NNLAB_REQUIRE_HUB": "1"}, False)])
def test_e2e_skips_where_it_cannot_run_but_never_in_ci(monkeypatch, env, skips):
    import test_hub_e2e

    for var in ("CI", "NNLAB_REQUIRE_HUB", "NNLAB_REQUIRE_BROWSER"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(pytest.skip.Exception if skips else pytest.fail.Exception, match="npm"):
        test_hub_e2e.cannot_run("`npm` is not installed")
