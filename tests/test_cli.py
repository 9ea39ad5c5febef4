"""The command line: headline lines, the JSON record, atomic writes, bad input."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest
from readonly import read_only

from rsparity import atomic, cli, record
from rsparity.engine import search
from rsparity.spec import SearchSpec

KEYS = {
    "params",
    "solved",
    "trials",
    "sequence_steps",
    "weights",
    "train_accuracy",
    "heldout_accuracy",
    "heldout_long_accuracy",
    "versions",
    "timing",
}


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "rsparity", *args], capture_output=True, text=True, cwd=cwd
    )


def test_default_search_prints_reference_headline(tmp_path):
    out = run("search", "--seed", "0", "--json", str(tmp_path / "r.json"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("# SOLVED in 10253 trials (")
    assert lines[0].endswith("s wallclock)")
    assert "# held-out sample acc (4096 random sequences, seed=10000): 100.00%" in lines
    assert out.stderr == ""  # no progress line when stderr is not a terminal
    rec = json.loads((tmp_path / "r.json").read_text())
    assert set(rec) == KEYS
    assert rec["params"] == {
        "arch": "full",
        "n": 50,
        "hidden": 2,
        "weight_scale": 30.0,
        "sample_size": 2048,
        "max_trials": 200000,
        "seed": 0,
        "protocol": "reference",
    }
    assert rec["solved"] is True and rec["trials"] == 10253
    assert rec["train_accuracy"] == 1.0 and rec["heldout_accuracy"] == 1.0
    # Reference: ||W_hh||_F = 41.81 for this solver; floats round-trip exactly.
    w_hh = np.array(rec["weights"]["W_hh"])
    assert round(float(np.linalg.norm(w_hh)), 2) == 41.81
    engine = search(SearchSpec(seed=0))
    assert np.array_equal(w_hh, engine.weights["W_hh"][0])
    assert set(rec["versions"]) == {"rsparity", "numpy", "python"}
    assert set(rec["timing"]) == {"wallclock_s", "trials_per_s"}


def test_record_is_deterministic_outside_timing_and_versions(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for path, workers in ((a, "1"), (b, "2")):
        out = run(
            "search", "--n", "20", "--sample-size", "256", "--json", str(path), "--workers", workers
        )
        assert out.returncode == 0, out.stderr
    ra, rb = json.loads(a.read_text()), json.loads(b.read_text())
    for key in record.DETERMINISTIC_KEYS:
        assert json.dumps(ra[key]) == json.dumps(rb[key]), key


def test_unsolved_search_is_a_result_not_an_error(tmp_path):
    path = tmp_path / "u.json"
    out = run("search", "--arch", "nodiag", "--max-trials", "500", "--json", str(path))
    assert out.returncode == 0
    assert out.stdout.startswith("# NOT SOLVED within 500 trials")
    rec = json.loads(path.read_text())
    assert rec["solved"] is False and rec["trials"] == 500 and rec["weights"] is None


def test_python_m_and_console_script_agree():
    out = subprocess.run(
        ["rsparity", "search", "--n", "10", "--sample-size", "64"], capture_output=True, text=True
    )
    ref = run("search", "--n", "10", "--sample-size", "64")
    assert out.returncode == 0
    assert out.stdout.split("(")[0] == ref.stdout.split("(")[0]


BAD = [
    (["--n", "0"], "n must be an integer >= 1, got 0"),
    (["--n", "-5"], "n must be an integer >= 1, got -5"),
    (["--n", "x"], "expected an integer, got 'x'"),
    (["--hidden", "0"], "hidden must be an integer >= 1, got 0"),
    (["--weight-scale", "0"], "weight_scale must be a finite number > 0, got 0.0"),
    (["--weight-scale", "-3"], "weight_scale must be a finite number > 0, got -3.0"),
    (["--weight-scale", "nan"], "weight_scale must be a finite number > 0, got nan"),
    (["--weight-scale", "inf"], "weight_scale must be a finite number > 0, got inf"),
    (["--sample-size", "0"], "sample_size must be an integer >= 1 or 'all', got 0"),
    (["--sample-size", "all", "--n", "23"], "sample_size 'all' needs n <= 22"),
    (["--max-trials", "0"], "max_trials must be an integer >= 1, got 0"),
    (["--seed", "-1"], "seed must be an integer >= 0, got -1"),
    (["--arch", "A9"], "unknown arch 'A9'; allowed: full, nodiag"),
    (["--workers", "0"], "workers must be an integer >= 1, got 0"),
    (["--weight-scale", "1e308"], "weight_scale must be <= 1e+300"),
]


@pytest.mark.parametrize(
    "args,message", BAD, ids=lambda a: " ".join(a) if isinstance(a, list) else ""
)
def test_bad_input_is_one_line_exit_2_no_file(tmp_path, args, message):
    path = tmp_path / "r.json"
    out = run("search", *args, "--json", str(path))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("target", ["missing-dir/r.json", "."])
def test_unwritable_json_path(tmp_path, target):
    out = run("search", "--json", target, cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "--json path" in out.stderr and target in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_json_into_a_read_only_directory(tmp_path):
    with read_only(tmp_path / "ro") as directory:
        out = run("search", "--n", "10", "--json", str(directory / "r.json"))
        assert list(directory.iterdir()) == []
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert f"--json path {str(directory / 'r.json')!r} is not writable" in out.stderr
    assert out.stdout == ""  # refused before the search


def test_a_write_that_fails_after_the_search_is_one_line(tmp_path, monkeypatch, capsys):
    """E.g. the disk fills up: the error names the path and the OS's reason."""
    path = tmp_path / "r.json"
    path.write_text("old")

    def full(fd, *args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fchmod", full)  # inside write_text, after mkstemp
    assert cli.main(["search", "--n", "10", "--sample-size", "64", "--json", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err and str(path) in err
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # the temp file is gone


def test_ctrl_c_is_one_line_and_no_file(tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "search", interrupted)
    assert cli.main(["search", "--json", str(tmp_path / "r.json")]) == 130
    assert capsys.readouterr().err == "rsparity: interrupted (no result written)\n"
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    path.write_text("old")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(atomic.os, "replace", boom)  # the temp file is written, then this
    with pytest.raises(RuntimeError):
        atomic.write_json({"a": 1}, path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_atomic_write_replaces_via_rename(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    seen = []
    real_replace = atomic.os.replace

    def spy(src, dst):
        seen.append((src, dst))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", spy)
    atomic.write_json({"x": 0.1 + 0.2}, path)
    assert len(seen) == 1 and seen[0][1] == path and seen[0][0] != path
    assert json.loads(path.read_text())["x"] == 0.1 + 0.2


def test_progress_line_only_after_a_second():
    buf = io.StringIO()
    line = cli._ProgressLine(buf)
    line(1000, 0.5)
    assert buf.getvalue() == ""
    line(250_000, 2.0)
    line.close()
    assert buf.getvalue() == "\r# 250,000 trials, 125,000 trials/s\n"


def test_progress_shown_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(cli, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli.main(["search", "--n", "10", "--sample-size", "64"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("\r# ") and "trials/s" in err
