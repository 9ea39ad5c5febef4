"""The rebuild's cost is summed from each job's CPU time and the run's own wall time."""

import json
import time

from rsparity.cost import summarise
from rsparity.jobs import search_job


def record(path, cpu, wall, run):
    path.write_text(json.dumps({"timing": {"job": {"cpu_s": cpu, "wall_s": wall, "run": run}}}))
    return path


def test_cpu_time_is_summed_not_wall_time_and_the_run_is_timed_as_a_whole(tmp_path):
    # three jobs that shared two cores: each took 4 s of wall time but 1-2 s of CPU
    a = record(tmp_path / "a.json", 1.0, 4.0, 100.0)
    b = record(tmp_path / "b.json", 2.0, 4.0, 100.0)
    c = record(tmp_path / "c.json", 1.5, 4.0, 100.0)
    run = {"started": 100.0, "cores": 2, "cpu_started": 20.0}
    cost = summarise({"x": [a, b], "y": [b, c]}, run, now=106.5, cpu=31.0)
    assert cost["total"] == {
        "jobs": 3,
        "cpu_s": 4.5,
        "wall_clocked": 0,
        "untimed": 0,
        "this_run": 3,
    }
    assert cost["groups"]["x"]["cpu_s"] == 3.0 and cost["groups"]["y"]["cpu_s"] == 3.5
    # the run's CPU is the process's (11 s: the jobs' 4.5 s and Snakemake's own work)
    assert cost["run"] == {
        "started": 100.0,
        "cores": 2,
        "wall_s": 6.5,
        "cpu_s": 11.0,
        "made_every_record": True,
    }


def test_the_process_cpu_counts_every_thread(tmp_path):
    """A job on another thread (as JAX computes) shows in the process's CPU time."""
    import threading

    from rsparity.cost import process_cpu

    def spin():
        end = time.thread_time() + 0.3
        while time.thread_time() < end:
            pass

    before = process_cpu()
    worker = threading.Thread(target=spin)
    worker.start()
    worker.join()
    assert process_cpu() - before >= 0.25


def test_a_wall_clocked_job_says_so():
    from rsparity.cost import job_timing

    job = job_timing(time.time() - 2.0, {"started": 1.0})
    assert job["clock"] == "wall" and job["cpu_s"] == job["wall_s"] >= 2.0 and job["run"] == 1.0


def test_a_run_that_made_only_some_records_is_not_a_rebuild(tmp_path):
    old = record(tmp_path / "old.json", 1.0, 1.0, 50.0)
    new = record(tmp_path / "new.json", 1.0, 1.0, 100.0)
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"timing": {"wallclock_s": 0.1}}))  # e.g. written by the CLI
    cost = summarise({"x": [old, new, bare]}, {"started": 100.0, "cores": 2}, now=101.0)
    assert cost["total"]["this_run"] == 1 and cost["total"]["untimed"] == 1
    assert not cost["run"]["made_every_record"]


def test_search_job_records_its_cpu_time_and_run(tmp_path):
    params = {"arch": "full", "n": 10, "hidden": 2, "weight_scale": 30.0, "sample_size": 64}
    params |= {"max_trials": 20_000, "seed": 3, "protocol": "reference"}
    out, log = tmp_path / "r.json", tmp_path / "r.log"
    search_job(params, str(out), str(log), {"started": 123.0})
    job = json.loads(out.read_text())["timing"]["job"]
    assert job["run"] == 123.0 and 0 < job["cpu_s"] and job["started"] <= job["finished"]
    assert log.read_text().startswith("solved: ")
