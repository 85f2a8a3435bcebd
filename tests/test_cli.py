"""The `orderloom` command: validate, fmt, convert and serve, as a user at a terminal runs them."""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from designer.cli import main
from dsl.text import print_flow

ROOT = Path(__file__).resolve().parents[1]
# file:line:col: CODE message
PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): "
                          r"(?P<code>[A-Z][A-Z0-9_]+) (?P<msg>.+)$")


def orderloom(*args: str) -> subprocess.CompletedProcess:
    """Run the installed console script the way a user would."""
    script = Path(sys.executable).with_name("orderloom")
    return subprocess.run([str(script), *args], check=False, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def flow_file(tmp_path, sample_flow) -> Path:
    path = tmp_path / "high-value-approval.flow"
    path.write_text(print_flow(sample_flow), encoding="utf-8")
    return path


@pytest.fixture
def broken_file(tmp_path, sample_flow) -> Path:
    broken = copy.deepcopy(sample_flow)
    broken["nodes"][0]["config"]["sla"] = "four hours"
    broken["nodes"][1]["type"] = "ending"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    return path


# ---- validate ----

def test_every_template_validates():
    templates = sorted(str(p) for p in (ROOT / "templates").glob("*.flow"))
    assert templates, "templates/ has no .flow files"
    result = orderloom("validate", *templates)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_a_valid_file_exits_0(flow_file):
    result = run("validate", str(flow_file))
    assert result.exit_code == 0, result.output
    assert "1 file(s) checked, 0 with problems" in result.output


def test_a_broken_file_prints_file_line_col_code_message_and_exits_1(broken_file, flow_file):
    result = orderloom("validate", str(flow_file), str(broken_file))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines, result.stderr
    parsed = [PROBLEM_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert {m["file"] for m in parsed} == {str(broken_file)}
    assert {"DOC_DURATION", "NODE_UNKNOWN_TYPE"} <= {m["code"] for m in parsed}
    assert "[nodes[0].config.sla]" in result.stdout, "the document path is shown too"


def test_dsl_problems_point_at_their_line(tmp_path, sample_flow):
    sample_flow["nodes"][0]["config"]["sla"] = "four hours"
    text = print_flow(sample_flow)
    path = tmp_path / "x.flow"
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    match = PROBLEM_LINE.match(result.output.splitlines()[0])
    assert match and match["code"] == "DOC_DURATION"
    assert "four hours" in text.splitlines()[int(match["line"]) - 1]


def test_messages_in_chinese_with_lang_zh(broken_file):
    result = run("validate", "--lang", "zh", str(broken_file))
    assert result.exit_code == 1
    assert "未知的节点类型" in result.output


def test_known_flows_checks_sub_flow_keys(tmp_path, sample_flow, call_subflow):
    call_subflow(sample_flow, "ce-check")
    path = tmp_path / "caller.json"
    path.write_text(json.dumps(sample_flow), encoding="utf-8")
    assert run("validate", str(path)).exit_code == 0, "without a registry, sub-flow keys are not checked"
    assert run("validate", "--known-flow", "ce-check", str(path)).exit_code == 0
    missing = run("validate", "--known-flow", "other", str(path))
    assert missing.exit_code == 1
    assert "[nodes[0].config.flow]" in missing.output


@pytest.mark.parametrize("args", [["validate"], ["validate", "no-such-file.flow"], ["nope"]])
def test_usage_and_file_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_an_unreadable_file_exits_2(tmp_path):
    assert run("validate", str(tmp_path)).exit_code == 2, "a directory is not a flow file"


# ---- fmt ----

def test_fmt_check_passes_on_canonical_files(flow_file):
    result = run("fmt", "--check", str(flow_file))
    assert result.exit_code == 0 and result.output == ""


def test_fmt_check_lists_non_canonical_files_and_changes_nothing(flow_file):
    messy = "\n\n" + flow_file.read_text(encoding="utf-8").replace("\n", "\n\n") + "\n\n"
    flow_file.write_text(messy, encoding="utf-8")
    result = run("fmt", "--check", str(flow_file))
    assert result.exit_code == 1
    assert result.stdout.strip() == str(flow_file)
    assert flow_file.read_text(encoding="utf-8") == messy


def test_fmt_rewrites_in_place_to_the_canonical_text(flow_file, sample_flow):
    messy = "\n\n" + flow_file.read_text(encoding="utf-8").replace("\n", "\n\n")
    flow_file.write_text(messy, encoding="utf-8")
    result = run("fmt", str(flow_file))
    assert result.exit_code == 0, result.output
    assert flow_file.read_text(encoding="utf-8") == print_flow(sample_flow)
    assert run("fmt", "--check", str(flow_file)).exit_code == 0


def test_fmt_reports_syntax_errors_with_positions(tmp_path):
    path = tmp_path / "bad.flow"
    path.write_text("flow {\n  ???\n", encoding="utf-8")
    result = run("fmt", str(path))
    assert result.exit_code == 1
    assert PROBLEM_LINE.match(result.output.splitlines()[0])
    assert path.read_text(encoding="utf-8") == "flow {\n  ???\n"


def test_fmt_refuses_json_files(broken_file):
    assert run("fmt", str(broken_file)).exit_code == 2


# ---- convert ----

def test_convert_round_trips_dsl_and_json(tmp_path, flow_file, sample_flow):
    as_json = run("convert", str(flow_file), "--to", "json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == sample_flow
    assert "高金额订单审批" in as_json.stdout, "Chinese is not \\u-escaped"
    json_file = tmp_path / "flow.json"
    json_file.write_text(as_json.stdout, encoding="utf-8")
    back = run("convert", str(json_file), "--to", "dsl")
    assert back.exit_code == 0
    assert back.stdout == flow_file.read_text(encoding="utf-8")


def test_convert_refuses_an_invalid_flow(broken_file):
    result = orderloom("convert", str(broken_file), "--to", "dsl")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "NODE_UNKNOWN_TYPE" in result.stderr


def test_convert_needs_a_known_extension(tmp_path):
    path = tmp_path / "flow.txt"
    path.write_text("{}", encoding="utf-8")
    result = run("convert", str(path), "--to", "json")
    assert result.exit_code == 2
    assert ".flow" in result.output


# ---- serve ----

def test_serve_refuses_a_bad_time_zone_clearly(monkeypatch):
    monkeypatch.setenv("ORDERLOOM_TIMEZONE", "Moon/Tranquility")
    result = run("serve")
    assert result.exit_code == 2
    assert "ORDERLOOM_TIMEZONE" in result.output


def test_serve_answers_health_on_the_given_port(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ORDERLOOM_DATA_DIR": str(tmp_path / "var")}
    script = Path(sys.executable).with_name("orderloom")
    proc = subprocess.Popen([str(script), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
                    body = json.load(response)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.1)
        assert body["status"] == "ok" and body["database"] == "ok"
        assert (tmp_path / "var" / "orderloom.db").exists()
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in output


def test_the_version_option():
    assert run("--version").output.startswith("orderloom, version ")
