"""Snakemake script: wall-clock seconds of every search job, per study and in all.

Reads Snakemake's benchmark files (column ``s``); a search shared by several
studies counts in each of them and once in the total.
"""

import sys

import pandas as pd

from rsparity.atomic import write_json

snakemake = snakemake  # noqa: F821 - injected by Snakemake
sys.stderr = open(snakemake.log[0], "w")


def seconds(path: str) -> float:
    return float(pd.read_csv(path, sep="\t")["s"].iloc[-1])


cost = {path: seconds(path) for path in set(snakemake.input)}
studies = {
    name: {"jobs": len(paths), "seconds": sum(cost[p] for p in paths)}
    for name, paths in snakemake.input.items()
}
total = {"jobs": len(cost), "seconds": sum(cost.values())}
write_json({"total": total, "studies": studies}, snakemake.output[0])
print(f"{total['jobs']} searches, {total['seconds']:.0f} s", file=sys.stderr)
