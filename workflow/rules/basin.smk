# The basin figure: 2-D slices of weight space through the headline solver, scored on
# the training sets of each config basin.n (same seed and protocol), and through its
# trial stream's first non-solver (at the first N); rsparity.basin.

BASIN = config["basin"]
BASIN_SOLVERS = [f"results/basin/solver_n{n}.json" for n in BASIN["n"]]
BASIN_NONSOLVER = f"results/basin/nonsolver_n{BASIN['n'][0]}.json"


rule basin_slice:
    input:
        record=HEADLINE["search"],
    output:
        "results/basin/{centre}_n{n}.json",
    log:
        "logs/basin/{centre}_n{n}.log",
    wildcard_constraints:
        centre="solver|nonsolver",
        n=r"\d+",
    conda:
        "../../environment.yml"
    params:
        grid=BASIN["grid"],
        code=code("workflow/scripts/basin_slice.py"),
    script:
        "../scripts/basin_slice.py"


rule basin_figure:
    input:
        solvers=BASIN_SOLVERS,
        nonsolver=BASIN_NONSOLVER,
        scaling="results/tables/scaling_summary.csv",
    output:
        report(
            "results/figures/basin.png",
            caption=report_caption("basin"),
            category="Visualisations",
            subcategory="The basin, drawn",
        ),
    log:
        "logs/figures/basin.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/basin_figure.py"),
    script:
        "../scripts/basin_figure.py"
