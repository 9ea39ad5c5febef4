"""The package's shape: no import circle, digests that follow imports, light entry points."""

import subprocess
import sys
from pathlib import Path

from rsparity import codegraph


def make_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_package_has_no_import_cycle():
    assert codegraph.import_cycle() is None


def test_a_cycle_is_found(tmp_path):
    root = make_package(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "from . import b\n",
            "b.py": "from .c import X\n",
            "c.py": "def f():\n    from .a import Y\n",
        },
    )
    cycle = codegraph.import_cycle(root)
    assert cycle is not None and set(cycle) == {"rsparity.a", "rsparity.b", "rsparity.c"}


def test_dependencies_follow_imports_lazy_ones_too(tmp_path):
    root = make_package(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "engine.py": "from .nets import base\n\n\ndef go():\n    from . import fast\n",
            "nets/__init__.py": "from . import paper\n",
            "nets/base.py": "X = 1\n",
            "nets/paper.py": "from .base import X\n",
            "fast.py": "",
            "plots.py": "from .engine import go\n",
            "unused.py": "",
        },
    )
    script = tmp_path / "job.py"
    script.write_text("import numpy\nfrom rsparity.engine import go\n")
    got = codegraph.dependencies(script, root)
    assert got == {
        "rsparity",
        "rsparity.engine",
        "rsparity.fast",
        "rsparity.nets",
        "rsparity.nets.base",
        "rsparity.nets.paper",
    }
    before = codegraph.code_digest(got, root)
    (root / "unused.py").write_text("# edited\n")
    assert codegraph.code_digest(got, root) == before
    (root / "nets" / "paper.py").write_text("from .base import X  # edited\n")
    assert codegraph.code_digest(got, root) != before


def test_workflow_jobs_depend_on_what_they_import():
    scripts = Path(__file__).resolve().parents[1] / "workflow" / "scripts"
    search = codegraph.module_dependencies("rsparity.jobs")  # the search rule's run: block
    assert {"rsparity.engine", "rsparity.nets.paper", "rsparity.record"} <= search
    assert not {"rsparity.plots", "rsparity.tables", "rsparity.cli"} & search
    tables = codegraph.dependencies(scripts / "study_tables.py")
    assert "rsparity.tables" in tables and "rsparity.engine" not in tables


def test_search_entry_points_import_no_plotting_or_tables():
    code = (
        "import sys, rsparity.cli, rsparity.engine; "
        "print(sorted(m for m in ('pandas', 'matplotlib', 'jinja2', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
