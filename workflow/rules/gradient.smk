# Gradient descent on the searches' nets and data: one job per cell (its
# restarts vectorised in one thread of the Snakemake process, so JAX's import
# and compilation are paid once per cell), the gradient-norm profile, and their
# tables and figures. JAX is imported inside the run: blocks only.


wildcard_constraints:
    net=r"[A-Za-z0-9]+",
    restarts=r"\d+",


GRADIENT_TABLES = expand(
    "results/tables/gradient{suffix}", suffix=["_runs.csv", "_summary.csv", ".md"]
)
GRADIENT_FIGURES = expand(
    "results/figures/{name}.png", name=["gradient_success", "vanishing_gradient"]
)
GRADIENT_SECTION = "Random search vs gradient descent"


rule gradient_cell:
    input:
        lambda wildcards: result_paths(gradient_cell(wildcards)),
    output:
        "results/gradient/{net}/{setting}/restarts={restarts}.json",
    log:
        "logs/gradient/{net}/{setting}/restarts={restarts}.log",
    priority: FIRST
    conda:
        "../../environment.yml"
    resources:
        jax_jobs=1,
    params:
        spec=lambda wildcards: gradient_cell(wildcards).spec.as_params(),
        factor=lambda wildcards: gradient_cell(wildcards).budget_factor,
        code=package_code("rsparity.gradient.job"),
    run:
        from rsparity.gradient.job import cell_job

        cell_job(params.spec, params.factor, input, output[0], log[0], RUN)


rule gradient_profile:
    output:
        "results/gradient/vanishing.json",
    log:
        "logs/gradient/vanishing.log",
    priority: FIRST
    conda:
        "../../environment.yml"
    resources:
        jax_jobs=1,
    params:
        settings=VANISHING,
        code=package_code("rsparity.gradient.profile"),
    run:
        from rsparity.gradient.profile import vanishing_job

        vanishing_job(params.settings, output[0], log[0], RUN)


rule gradient_tables:
    input:
        cells=list(CELLS),
    output:
        runs=report(
            "results/tables/gradient_runs.csv",
            caption=report_caption("gradient_runs"),
            category=GRADIENT_SECTION,
            subcategory="Gradient descent",
        ),
        summary=report(
            "results/tables/gradient_summary.csv",
            caption=report_caption("gradient_summary"),
            category=GRADIENT_SECTION,
            subcategory="Gradient descent",
        ),
        markdown="results/tables/gradient.md",
        timing="results/benchmark/gradient_timing.csv",
    log:
        "logs/tables/gradient.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/gradient_tables.py"),
    script:
        "../scripts/gradient_tables.py"


rule gradient_figures:
    input:
        summary="results/tables/gradient_summary.csv",
        vanishing="results/gradient/vanishing.json",
        search="results/tables/gradient_baseline_summary.csv",
    output:
        report(
            GRADIENT_FIGURES[0],
            caption=report_caption("gradient_success"),
            category=GRADIENT_SECTION,
            subcategory="Gradient descent",
        ),
        report(
            GRADIENT_FIGURES[1],
            caption=report_caption("vanishing_gradient"),
            category=GRADIENT_SECTION,
            subcategory="Why it fails",
        ),
    log:
        "logs/figures/gradient.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/gradient_figures.py"),
    script:
        "../scripts/gradient_figures.py"
