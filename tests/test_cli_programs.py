"""The reference's other programs on the command line: ``rsparity visualize`` (four
panels), ``rsparity gif`` (the animation), ``rsparity basin`` (wiring only), each
protocol's defaults, progress lines, ``--version``, bad input."""

import csv
import io
import json
import subprocess
import sys
import types
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
import yaml
from readonly import read_only

import rsparity
from rsparity import animation, cli, panels
from rsparity.cli import figures, options
from rsparity.cli.progress import ProgressLine
from rsparity.engine import open_stream
from rsparity.spec import DEFAULTS, SearchSpec
from rsparity.trace import trace_search

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"
PANEL_FILES = [f"{name}.png" for name in panels.PANELS]
FAST = {
    # settings that solve within a fraction of a second (first solver, seed 0)
    "reference": ["--n", "10", "--sample-size", "64"],
    "paper": ["--arch", "A2noself", "--n", "20", "--sample-size", "20", "--max-trials", "5000"],
}


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "rsparity", *args], capture_output=True, text=True, cwd=cwd
    )


def main(argv: list[str]) -> int:
    """``cli.main`` in this process; argparse's own errors exit, so catch that."""
    try:
        return cli.main(argv)
    except SystemExit as done:
        return done.code


def schema() -> dict:
    return yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())


# ------------------------------------------------------------------ visualize and gif


@pytest.mark.parametrize("protocol", FAST)
def test_visualize_writes_the_four_panels(protocol, tmp_path):
    out = run("visualize", *FAST[protocol], "--out", str(tmp_path / "fig"))
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # not a terminal: no progress line
    assert out.stdout.startswith("# SOLVED in ")
    assert out.stdout.splitlines()[-1].startswith("# 4 panels in ")
    assert sorted(p.name for p in (tmp_path / "fig").iterdir()) == sorted(PANEL_FILES)
    for name in PANEL_FILES:
        assert (tmp_path / "fig" / name).read_bytes().startswith(PNG)


@pytest.mark.parametrize("protocol", FAST)
def test_gif_writes_the_animation(protocol, tmp_path):
    path = tmp_path / "s.gif"
    out = run("gif", *FAST[protocol], "--frames", "7", "--out", str(path))
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert "7 frames up to the solver" in out.stdout
    assert path.read_bytes()[:6] == b"GIF89a"
    assert iio.imread(path, index=None).shape == (7, 640, 900, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["s.gif"]


def test_an_unsolved_search_draws_what_it_has_and_says_so(tmp_path, capsys):
    # seed 0 at N = 10 first solves at trial 2,226 (the solved test above)
    argv = ["visualize", *FAST["reference"], "--max-trials", "3", "--out", str(tmp_path)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("# NOT SOLVED within 3 trials")
    assert lines[-1].startswith("# not solved: search_curve.png, score_histogram.png")
    assert "no hinton.png, hidden_trajectories.png" in lines[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["score_histogram.png", "search_curve.png"]


def test_an_interrupted_visualize_leaves_nothing(tmp_path, monkeypatch, capsys):
    calls = []

    def interrupted(record, trace, paths):
        calls.append(dict(paths))
        if len(calls) == 2:  # after one panel is complete
            raise KeyboardInterrupt
        real(record, trace, paths)

    real = panels.draw_panels
    monkeypatch.setattr(panels, "draw_panels", interrupted)
    assert main(["visualize", *FAST["reference"], "--out", str(tmp_path / "fig")]) == 130
    assert len(calls) == 2 and Path(next(iter(calls[0].values()))).parent == tmp_path / "fig"
    assert list(tmp_path.iterdir()) == []  # no panel, no temp file, no directory


def test_an_interrupted_gif_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(trace, weights_at, path, frames, progress):
        Path(path).write_bytes(b"GIF89a half")
        raise KeyboardInterrupt

    monkeypatch.setattr(animation, "search_gif", interrupted)
    assert main(["gif", *FAST["reference"], "--out", str(tmp_path / "s.gif")]) == 130
    assert list(tmp_path.iterdir()) == []


def headline_argv() -> list[str]:
    """The headline study's settings (config/config.yaml) as search flags."""
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    study = config["studies"]["headline"]
    settings = {**config["defaults"], **study.get("set", {})}
    assert "runs" not in study  # one setting
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in settings.items()]
    return [*flags, f"--seed={study['seeds'][0]}"]


@pytest.fixture
def one_trace(monkeypatch):
    """Trace each spec once for this test (the headline trace takes ~10-30 s)."""
    done = {}

    def cached(spec, every, progress=None):
        if (spec, every) not in done:
            done[spec, every] = trace_search(spec, every=every, progress=progress)
        return done[spec, every]

    monkeypatch.setattr(figures, "trace_search", cached)


@pytest.mark.slow
def test_visualize_and_gif_write_the_committed_headline_figures(tmp_path, one_trace, capsys):
    """The workflow draws results/figures from the headline record and trace with
    trace_every and gif_frames at their schema defaults (config/config.yaml sets neither)."""
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    every = config.get("trace_every", schema()["properties"]["trace_every"]["default"])
    frames = config.get("gif_frames", schema()["properties"]["gif_frames"]["default"])
    argv = headline_argv()
    assert main(["visualize", *argv, f"--every={every}", "--out", str(tmp_path)]) == 0
    assert main(["gif", *argv, f"--frames={frames}", "--out", str(tmp_path / "search.gif")]) == 0
    capsys.readouterr()
    for name in [*PANEL_FILES, "search.gif"]:
        committed = (ROOT / "results/figures" / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, name


def test_cli_defaults_are_the_workflow_defaults():
    props = schema()["properties"]
    assert figures.TRACE_EVERY == props["trace_every"]["default"]
    frames = props["gif_frames"]
    assert figures.GIF_FRAMES == (frames["minimum"], frames["maximum"], frames["default"])


# ------------------------------------------------------------------ protocol defaults

PAPER = {  # the 1996 paper's protocol (README.md, references 2 and 3)
    "n": 500,  # lengths 500..600
    "weight_scale": 100.0,
    "sample_size": 100,
    "max_trials": DEFAULTS["max_trials"],  # the paper states no limit
    "seed": 0,
    "order": "layered",
    "readout": "last",
    "noise": 0.0,
    "protocol": "paper",
}


def test_a_paper_net_without_flags_runs_the_paper_settings(tmp_path, capsys):
    path = tmp_path / "r.json"
    assert main(["search", "--arch", "A1", "--json", str(path)]) == 0
    record = json.loads(path.read_text())
    assert record["params"] == {"arch": "A1", "hidden": 1, **PAPER}
    # the paper study (max_trials 10,000) searched the same stream: the same first solver
    with open(ROOT / "results/tables/paper_runs.csv") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if (r["arch"], r["order"], r["readout"], r["noise"], r["seed"])
            == ("A1", "layered", "last", "0.0", "0")
        ]
    assert len(rows) == 1 and rows[0]["solved"] == "True"
    assert record["trials"] == int(rows[0]["trials"])
    assert capsys.readouterr().out.startswith(f"# SOLVED in {record['trials']} trials")


@pytest.mark.parametrize("arch, hidden", [("A2", 10), ("A2noself", 10), ("A1", 1)])
def test_every_paper_net_gets_its_hidden_units(arch, hidden):
    for command in ("search", "visualize", "gif", "basin"):
        args = cli.build_parser().parse_args([command, "--arch", arch])
        spec = options.search_spec(args)
        assert spec.as_params() == {"arch": arch, "hidden": hidden, **PAPER}


def test_an_explicit_flag_wins(tmp_path):
    path = tmp_path / "r.json"
    argv = ["search", "--arch", "A1", "--n", "30", "--max-trials", "5", "--json", str(path)]
    assert main(argv) == 0
    params = json.loads(path.read_text())["params"]
    assert params == {"arch": "A1", "hidden": 1, **PAPER, "n": 30, "max_trials": 5}
    args = cli.build_parser().parse_args(["search", "--arch", "full", "--hidden", "3"])
    assert options.search_spec(args) == SearchSpec(hidden=3)


def test_the_paper_settings_are_the_paper_studys():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    study = config["studies"]["paper"]
    assert {k: study["set"][k] for k in ("n", "weight_scale", "sample_size")} == {
        k: v for k, v in options.PAPER_SETTINGS.items() if k != "hidden"
    }
    hidden = {run["arch"]: run["hidden"] for run in study["runs"]}
    assert hidden == options.PAPER_SETTINGS["hidden"]


def test_help_names_every_default():
    out = run("search", "--help")
    assert out.returncode == 0, out.stderr  # the '%' in --max-memory's help once crashed it
    text = " ".join(out.stdout.split())
    assert "reference nets (full, nodiag)" in text and "paper nets (A1, A2, A2noself)" in text
    assert "default 50, paper nets 500" in text
    assert "default 2, paper nets A1 1, A2 10, A2noself 10" in text
    assert "default 30, paper nets 100" in text and "default 2048, paper nets 100" in text
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    formatter = options.Formatter("rsparity")
    for name, sub in commands.items():
        for action in sub._actions:
            if action.option_strings and action.dest != "help" and not action.required:
                assert "default" in formatter._get_help_string(action), (name, action.dest)
    for name, default in [("gif", "(default: 60)"), ("basin", "(default: 101)")]:
        assert default in " ".join(run(name, "--help").stdout.split())
    assert "(default: 10)" in " ".join(run("visualize", "--help").stdout.split())


def test_version_is_the_package_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout == f"rsparity {rsparity.__version__}\n"


# ------------------------------------------------------------------ progress


def test_a_progress_line_waits_a_second_then_rewrites_itself():
    now = [100.0]
    buf = io.StringIO()
    line = ProgressLine(buf, "trace", "trials", after=1.0, clock=lambda: now[0])
    now[0] = 100.5
    line(1024, 200_000)
    assert buf.getvalue() == ""
    now[0] = 102.0
    line(4096, 200_000)
    line.close()
    assert buf.getvalue() == "\r# trace: 4,096 of 200,000 trials, 2,048/s\n"
    quiet = ProgressLine(io.StringIO(), "trace", "trials", clock=lambda: 0.0)
    quiet(1, 2)
    quiet.close()
    assert quiet.stream.getvalue() == ""  # nothing shown, no newline either


def test_progress_lines_on_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["visualize", *FAST["reference"], "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "\r# trace up to the first solver: 2,226 of 200,000 trials" in err
    assert "\r# panels: 4 of 4 panels" in err and err.endswith("\n")
    assert main(["gif", *FAST["reference"], "--frames", "5", "--out", str(tmp_path / "s.gif")]) == 0
    assert "\r# frames: 5 of 5 frames" in capsys.readouterr().err


def test_progress_callbacks_change_no_output():
    spec = SearchSpec(n=10, sample_size=64, max_trials=3000)
    seen = []
    quiet = trace_search(spec, block=512)
    shown = trace_search(spec, block=512, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(512, 3000), (1024, 3000), (1536, 3000), (2048, 3000), (2226, 3000)]
    del quiet["timing"], shown["timing"]
    assert quiet == shown
    stream = open_stream(spec)

    def weights_at(k):
        return stream.arch.record(stream.params(k, 1))

    frames = []
    plain = animation.render_frames(quiet, weights_at, 4)
    counted = animation.render_frames(quiet, weights_at, 4, lambda d, t: frames.append((d, t)))
    assert frames == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert plain[0] == counted[0]
    assert all(np.array_equal(a, b) for a, b in zip(plain[1], counted[1], strict=True))


# ------------------------------------------------------------------ basin (wiring only)


@pytest.fixture
def fake_basin(monkeypatch):
    calls = []

    def basin_command(spec, out, grid, progress=None):
        calls.append({"spec": spec, "out": out, "grid": grid, "progress": progress})
        return "# basin: fake summary"

    module = types.ModuleType("rsparity.basin")
    module.basin_command = basin_command
    monkeypatch.setitem(sys.modules, "rsparity.basin", module)
    return calls


def test_basin_calls_basin_command_and_prints_its_line(fake_basin, tmp_path, capsys):
    out = tmp_path / "b.png"
    assert main(["basin", "--arch", "A1", "--grid", "5", "--out", str(out)]) == 0
    assert capsys.readouterr().out == "# basin: fake summary\n"
    [call] = fake_basin
    assert call == {
        "spec": SearchSpec(arch="A1", hidden=1, n=500, weight_scale=100.0, sample_size=100),
        "out": str(out),
        "grid": 5,
        "progress": None,  # not a terminal
    }


def test_basin_defaults(fake_basin, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["basin", "--seed", "3"]) == 0
    [call] = fake_basin
    assert call["spec"] == SearchSpec(seed=3) and call["grid"] == 101
    assert call["out"] == "basin.png"


# ------------------------------------------------------------------ bad input

BAD = [
    (["visualize", "--every", "0"], "argument --every: must be an integer >= 1, got '0'"),
    (["visualize", "--every", "x"], "argument --every: must be an integer >= 1, got 'x'"),
    (["gif", "--frames", "0"], "argument --frames: must be an integer from 1 to 1000, got '0'"),
    (["gif", "--frames", "1001"], "argument --frames: must be an integer from 1 to 1000"),
    (["gif", "--frames", "2.5"], "argument --frames: must be an integer from 1 to 1000"),
    (["basin", "--grid", "2"], "argument --grid: must be an integer from 3 to 401, got '2'"),
    (["basin", "--grid", "402"], "argument --grid: must be an integer from 3 to 401, got '402'"),
    (["visualize", "--out", "missing/fig"], "--out directory 'missing/fig' is not writable"),
    (["visualize", "--out", "file"], "--out path 'file' is a file; give a directory"),
    (["gif", "--out", "missing/s.gif"], "--out path 'missing/s.gif' is not writable"),
    (["gif", "--out", "."], "--out path '.' is a directory"),
    (["basin", "--out", "missing/b.png"], "--out path 'missing/b.png' is not writable"),
    (["visualize", "--n", "0"], "n must be an integer >= 1, got 0"),
    (["gif", "--arch", "A9"], "unknown arch 'A9'"),
    (["basin", "--sample-size", "all", "--arch", "A1"], "sample_size 'all' is not available"),
    (["visualize", "--max-memory", "1M"], "needs about"),
    (["gif", "--frames", "1000", "--max-memory", "1G"], "search animation gif_frames=1000"),
]


@pytest.mark.parametrize("argv, message", BAD, ids=lambda a: " ".join(a) if a else "")
def test_bad_input_is_one_line_exit_2_no_file(argv, message, tmp_path, monkeypatch, fake_basin):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("x")
    out = run(*argv) if argv[0] != "basin" else None  # basin: the fake, in this process
    if out is None:
        err = io.StringIO()
        monkeypatch.setattr(sys, "stderr", err)
        code, stderr = main(argv), err.getvalue()
        assert fake_basin == []
    else:
        code, stderr = out.returncode, out.stderr
        assert out.stdout == ""  # refused before the search
    assert code == 2
    assert stderr.count("\n") == 1 and message in stderr and "Traceback" not in stderr, stderr
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize("command, out", [("visualize", "fig"), ("gif", "s.gif")])
def test_out_in_a_read_only_directory(command, out, tmp_path):
    with read_only(tmp_path / "ro") as directory:
        done = run(command, *FAST["reference"], "--out", str(directory / out))
        assert list(directory.iterdir()) == []
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "not writable" in done.stderr and done.stdout == ""
