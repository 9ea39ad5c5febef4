"""Property-based tests (Hypothesis) of everything a user types: the CLI's flags and the
workflow config.  Every input either works or gets exactly one line; never a traceback,
a warning, or a file left behind.  Searches stay tiny (n <= 12, <= 300 trials)."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tempfile
import warnings
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from workflow_helpers import REPO, TEST_CONFIG

from rsparity import atomic, cli, config, limits
from rsparity.errors import InputError
from rsparity.nets import ARCHITECTURES


def fuzz(examples: int) -> settings:
    """Bounded examples, no per-example deadline (a search's time varies)."""
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


JUNK = st.sampled_from(["", "x", "1.5", "1e3", "--", "nan", "all", "-0", "0x10", " 3"])
BIG = st.sampled_from([10**9, 10**18, 2**70])


def text(values: st.SearchStrategy) -> st.SearchStrategy[str]:
    return values.map(str)


FLAGS: dict[str, tuple[st.SearchStrategy[str], st.SearchStrategy[str]]] = {
    # flag: (values a user may mean, values that must be refused)
    "--n": (text(st.integers(1, 12)), st.one_of(text(st.integers(-2, 0)), text(BIG), JUNK)),
    "--hidden": (text(st.integers(1, 4)), st.one_of(text(st.sampled_from([-1, 0, 10**5])), JUNK)),
    "--weight-scale": (
        text(st.one_of(st.floats(1e-3, 1e3), st.sampled_from([1e-300, 30.0, 1e300]))),
        st.one_of(text(st.sampled_from([0.0, -3.0, 1e308, float("nan"), float("-inf")])), JUNK),
    ),
    "--sample-size": (
        st.one_of(text(st.integers(1, 64)), st.just("all")),
        st.one_of(text(st.sampled_from([0, -1, 10**9])), JUNK),
    ),
    "--max-trials": (text(st.integers(1, 300)), st.one_of(text(st.integers(-1, 0)), JUNK)),
    "--seed": (text(st.one_of(st.integers(0, 50), BIG)), st.one_of(st.just("-1"), JUNK)),
    "--arch": (st.sampled_from(sorted(ARCHITECTURES)), st.sampled_from(["A9", "", "FULL"])),
    "--order": (st.sampled_from(["layered", "sync"]), st.just("random")),
    "--readout": (st.sampled_from(["last", "extra"]), st.just("first")),
    "--noise": (
        text(st.one_of(st.just(0.0), st.floats(0, 0.99))),
        st.one_of(text(st.sampled_from([-0.5, 1.0, 1.5, float("nan")])), JUNK),
    ),
    "--workers": (
        st.sampled_from(["1", "2"]),
        st.one_of(text(st.sampled_from([-1, 0, limits.cpu_count() + 1, 100_000])), JUNK),
    ),
    "--max-memory": (st.sampled_from(["4G", "512M"]), st.sampled_from(["1M", "lots", "0K", "2"])),
    "--json": (st.just("r.json"), st.sampled_from(["missing/r.json", "."])),
}
"""Flags with values meant to work and values that must not; paper-only flags
(order, readout, noise) with a reference arch must be refused too."""


@st.composite
def argv(draw) -> list[str]:
    """``search`` with a random subset of the flags, each value valid 6 times in 7, and
    once in 10 an unknown flag."""
    flags = draw(st.lists(st.sampled_from(sorted(FLAGS)), unique=True, max_size=7))
    args = []
    for flag in flags:
        valid, invalid = FLAGS[flag]
        args += [flag, draw(invalid if draw(st.integers(0, 6)) == 6 else valid)]
    if "--max-trials" not in flags:  # the default, 200,000 trials, is not a fuzzing budget
        args += ["--max-trials", draw(FLAGS["--max-trials"][0])]
    if draw(st.integers(0, 9)) == 9:
        args.insert(draw(st.integers(0, len(args))), "--colour=red")  # not a flag at all
    return ["search", *args]


def run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as exit_:  # argparse
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


@fuzz(150)
@given(argv())
def test_cli_works_or_says_why_in_one_line(args):
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a numpy overflow warning fails too
            code, out, err = run_cli(args)
        files = sorted(p.relative_to(tmp) for p in Path(tmp).rglob("*"))
        event(f"exit {code}")
        if code == 0:
            assert out.startswith(("# SOLVED in ", "# NOT SOLVED within ")), out
            assert err == ""
            if "--json" in args:
                path = args[args.index("--json") + 1]
                assert files == [Path(path)]
                assert json.loads(Path(path).read_text())["trials"] >= 1
            else:
                assert files == []
        else:
            assert code == 2, (code, err)
            assert err.count("\n") == 1 and err.startswith("rsparity"), err
            assert "Traceback" not in err and out == ""
            assert files == [], files  # nothing written, not even a temp file
            assert not any(atomic.is_temporary(p.name) for p in files)


SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
TINY = yaml.safe_load(TEST_CONFIG.read_text())
README_STUDIES = ["headline", "reliability", "scaling", "n500", "hidden", "weight_scale"]

VALUES = st.one_of(
    st.integers(-3, 3),
    BIG,
    st.sampled_from([20, 256, 2000, 10**5, 30.0, 0.2, 1e308, float("nan"), float("inf")]),
    st.sampled_from(["all", "full", "A2", "sync", "extra", "4G", "1M", "", "x", None, True]),
    st.lists(st.integers(-1, 3), max_size=3),
    st.just({"first": 0, "count": 2}),
    st.just({"n": 5}),
    st.just({}),
).map(copy.deepcopy)  # a fresh dict or list each time, never one shared object
"""Replacement values: right and wrong types, edge and huge numbers, names of things."""
KEYS = st.sampled_from(
    ["n", "hidden", "weight_scale", "sample_size", "max_trials", "arch", "order", "readout"]
    + ["noise", "seeds", "set", "runs", "title", "first", "count", "max_memory", "gif_frames"]
    + ["trace_every", "benchmark_seconds", "defaults", "studies", "headline", "colour"]
)


def containers(node, path=()):
    """Every mapping and list inside ``node``, with its path."""
    if isinstance(node, (dict, list)):
        yield path, node
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            yield from containers(child, (*path, key))


@st.composite
def mutated(draw) -> dict:
    """The tiny config with one to three random edits: set, add or delete a key or item."""
    cfg = copy.deepcopy(TINY)
    for _ in range(draw(st.integers(1, 3))):
        places = list(containers(cfg))
        _, node = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["set", "set", "add", "delete"]))
        if isinstance(node, dict):
            keys = sorted(node, key=str)
            key = draw(KEYS) if action == "add" or not keys else draw(st.sampled_from(keys))
            if action == "delete":
                node.pop(key, None)
            else:
                node[key] = draw(VALUES)
        elif node and action == "delete":
            node.pop(draw(st.integers(0, len(node) - 1)))
        elif node and action == "set":
            node[draw(st.integers(0, len(node) - 1))] = draw(VALUES)
        else:
            node.append(draw(VALUES))
    return cfg


@fuzz(300)
@given(mutated())
def test_config_is_valid_or_one_config_line(cfg):
    try:
        studies = config.check_config(cfg, SCHEMA, README_STUDIES, traced="headline")
    except InputError as err:
        text = str(err)
        event("refused")
        assert text.startswith("config ") and "\n" not in text, text
    else:
        event("valid")
        assert set(README_STUDIES) <= set(studies)
        assert all(study.specs for study in studies.values())


@fuzz(100)
@given(st.data())
def test_config_text_with_a_repeated_or_removed_line(data):
    """Line edits of the YAML text: valid YAML, or one line naming the file and line."""
    lines = TEST_CONFIG.read_text().splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 2))):
        i = data.draw(st.integers(0, len(lines) - 1))
        if data.draw(st.booleans()):
            lines.insert(data.draw(st.integers(0, len(lines))), lines[i])
        else:
            del lines[i]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.yaml"
        path.write_text("".join(lines))
        try:
            loaded = config.load_yaml(path)
        except InputError as err:
            text = str(err)
            assert text.startswith(f"config file {path}, line ") and "\n" not in text, text
        else:
            assert loaded == yaml.safe_load(path.read_text())  # no key was lost
