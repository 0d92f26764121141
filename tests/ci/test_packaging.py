"""The ways prodready ships into CI: pre-commit hook, GitHub Action, container image."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from prodready.lang.dockerfile import parse_dockerfile
from tests.ci.test_ci import GIT_ENV, git
from tests.helpers import ROOT, run_cli, write_tree

DEFECT = {
    "requirements.txt": "requests==2.32.3\n",
    "app/main.py": "import requests\n\n\ndef f(u):\n    return requests.get(u)\n",
    "app/ok.py": "x = 1\n",
    "tests/test_ok.py": "def test_ok():\n    assert True\n",
}


def sample_repo(tmp_path: Path) -> Path:
    repo = write_tree(tmp_path / "sample", DEFECT)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "sample")
    return repo


# --- Dockerfile --------------------------------------------------------------------------------

def test_dockerfile_is_well_formed_small_and_non_root() -> None:
    text = (ROOT / "Dockerfile").read_text()
    dockerfile = parse_dockerfile(text)
    stages = dockerfile.stages()
    assert stages[0][0].keyword == "FROM" and len(stages) == 2, "a build stage and a slim runtime stage"
    assert all(s[0].keyword == "FROM" and "slim" in s[0].value for s in stages)
    known = {"FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER", "ENTRYPOINT", "CMD", "LABEL",
             "HEALTHCHECK", "EXPOSE", "VOLUME", "SHELL", "STOPSIGNAL", "ONBUILD"}
    assert {i.keyword for i in dockerfile.instructions} <= known
    final = dockerfile.final_stage()
    users = [i for i in final if i.keyword == "USER"]
    assert users and users[-1].value.split(":")[0] not in {"0", "root"}
    entry = [i for i in final if i.keyword == "ENTRYPOINT"]
    assert entry and entry[-1].exec_form == ["prodready"]
    for instruction in stages[0]:
        if instruction.keyword == "COPY" and "--from" not in instruction.flags:
            for source in instruction.args_text.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY source missing: {source}"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".git" in ignored and ".venv" in ignored
    audit = run_cli("audit", str(ROOT / "Dockerfile"), "--no-cache", "--no-history", "--fail-on", "low")
    assert audit.returncode == 0, audit.stdout + audit.stderr


def _docker_available() -> str | None:
    if shutil.which("docker") is None:
        return "docker is not installed"
    probe = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        return "docker engine not reachable: " + (probe.stderr.strip().splitlines() or ["docker info failed"])[-1]
    return None


def test_docker_image_builds_and_runs_as_non_root(tmp_path: Path) -> None:
    reason = _docker_available()
    if reason:
        pytest.skip(reason)
    tag = "prodready-test:latest"
    build = subprocess.run(["docker", "build", "-q", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr
    who = subprocess.run(["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"], capture_output=True, text=True)
    assert who.stdout.strip() not in ("", "0")
    repo = sample_repo(tmp_path)
    run = subprocess.run(["docker", "run", "--rm", "-v", f"{repo}:/src:ro", tag, "audit", ".", "--no-history",
                          "--no-cache", "--format", "github"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 1 and "file=app/main.py,line=5" in run.stdout, run.stderr


# --- GitHub Action -----------------------------------------------------------------------------

_EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def test_action_is_a_composite_that_installs_audits_uploads_and_gates() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert [s.get("name") for s in steps if "run" in s] == ["Install prodready", "Audit", "Gate on fail-on"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "expressions go through env:, so steps run as plain scripts"
    assert set(action["inputs"]) >= {"path", "fail-on", "diff-base", "sarif-file", "upload-sarif", "category"}


def run_action_steps(workspace: Path, inputs: dict[str, str], tmp_path: Path) -> tuple[int, dict[str, str], str]:
    """Run the action's `run:` steps in order as bash scripts, the way the runner would: inputs
    and step outputs substituted into each step's env, `if:` on inputs honoured, `uses:` steps
    (setup-python, upload-sarif) left to GitHub."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()} | inputs
    outputs: dict[str, dict[str, str]] = {}
    log = []
    bindir = Path(sys.executable).parent

    def evaluate(expr: str) -> str:
        if expr.startswith("inputs."):
            return values[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(ROOT)
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if match:
            return outputs.get(match.group(1), {}).get(match.group(2), "")
        raise AssertionError(f"expression the test runner does not know: {expr}")

    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue
        condition = step.get("if")
        if condition:
            match = re.fullmatch(r"inputs\.([\w-]+) == '(\w+)'", condition)
            assert match, f"condition the test runner does not know: {condition}"
            if values[match.group(1)] != match.group(2):
                continue
        output_file = tmp_path / f"output-{step.get('id', 'x')}"
        output_file.write_text("")
        env = {**os.environ, "GITHUB_OUTPUT": str(output_file), "PATH": f"{bindir}:{os.environ['PATH']}"}
        env |= {k: _EXPR.sub(lambda m: evaluate(m.group(1)), str(v)) for k, v in step.get("env", {}).items()}
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True,
                              timeout=600)
        log.append(f"--- {step['name']} (exit {done.returncode})\n{done.stdout}{done.stderr}")
        if "id" in step:
            outputs[step["id"]] = dict(
                line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
            )
        if done.returncode != 0:
            return done.returncode, outputs.get("audit", {}), "\n".join(log)
    return 0, outputs.get("audit", {}), "\n".join(log)


def test_action_steps_run_as_a_script(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    code, outputs, log = run_action_steps(repo, {"install": "false"}, tmp_path)
    assert code == 1 and outputs == {"exit-code": "1"}, log
    assert "::error file=app/main.py,line=5," in log
    assert "Gate on fail-on (exit 1)" in log
    assert (repo / "prodready.sarif").is_file()
    (repo / "prodready.sarif").unlink()
    code, outputs, log = run_action_steps(repo, {"install": "false", "fail-on": "never"}, tmp_path)
    assert code == 0 and outputs == {"exit-code": "0"}, log
    # PR mode: nothing new since HEAD, so even the strictest gate passes.
    code, outputs, log = run_action_steps(repo, {"install": "false", "fail-on": "low", "diff-base": "HEAD"}, tmp_path)
    assert code == 0, log
    code, outputs, log = run_action_steps(repo, {"install": "false", "path": "no/such/dir"}, tmp_path)
    assert code == 2 and "could not run" in log


# --- pre-commit ---------------------------------------------------------------------------------

def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "prodready")
    assert hook["language"] == "python" and hook["entry"].startswith("prodready audit")
    assert hook.get("pass_filenames", True) is True and hook["require_serial"] is True


def test_pre_commit_try_repo_on_a_sample_repository(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[dev]')")
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        pytest.skip("prodready is not a git checkout here: try-repo needs one")
    repo = sample_repo(tmp_path)
    env = {**GIT_ENV, "PRE_COMMIT_HOME": str(Path.home() / ".cache" / "prodready-test-pre-commit")}
    done = subprocess.run([str(pre_commit), "try-repo", str(ROOT), "prodready", "--files", "app/main.py", "app/ok.py"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=1200)
    output = done.stdout + done.stderr
    if "Installing environment" in output and "An unexpected error" in output:
        pytest.skip("pre-commit could not install the hook environment here (no package index?)")
    assert done.returncode == 1, output
    assert "PR-TO-001" in output and "app/main.py:5" in output
    clean = subprocess.run([str(pre_commit), "try-repo", str(ROOT), "prodready", "--files", "app/ok.py"],
                           cwd=repo, env=env, capture_output=True, text=True, timeout=1200)
    assert clean.returncode == 0, clean.stdout + clean.stderr
