# README.md, rendered from a Jinja2 template; every number comes from results.


# What the results cost: CPU time from every search's record, wall time from
# every gradient cell's, and this run's wall and process CPU time up to here
# (the last job before README.md; rsparity.cost).
rule run_cost:
    input:
        unpack(lambda wildcards: STUDY_RESULTS),
        gradient=list(CELLS),
        before=[
            "results/benchmark/engine_speed.json",
            *FIGURES,
            *TABLES,
            *GRADIENT_TABLES,
            *GRADIENT_FIGURES,
        ],
    output:
        "results/benchmark/run_cost.json",
    log:
        "logs/benchmark/run_cost.log",
    localrule: True
    params:
        code=package_code("rsparity.jobs"),
    run:
        cost_job({s: input[s] for s in [*STUDIES, "gradient"]}, output[0], RUN)


rule readme:
    input:
        template=f"{workflow.basedir}/workflow/templates/README.md.j2",
        literature=f"{workflow.basedir}/workflow/literature.yaml",
        tables=expand("results/tables/{study}_runs.csv", study=STUDIES),
        summaries=expand("results/tables/{study}_summary.csv", study=STUDIES),
        markdown=expand("results/tables/{study}.md", study=STUDIES),
        headline=HEADLINE["search"],
        benchmark="results/benchmark/engine_speed.json",
        cost="results/benchmark/run_cost.json",
        figures=FIGURES,
        trace=HEADLINE["trace"],
        gradient_summary="results/tables/gradient_summary.csv",
        gradient_markdown="results/tables/gradient.md",
        gradient_timing="results/benchmark/gradient_timing.csv",
        vanishing="results/gradient/vanishing.json",
        gradient_figures=GRADIENT_FIGURES,
        basin_solvers=BASIN_SOLVERS,
        basin_nonsolver=BASIN_NONSOLVER,
    output:
        "README.md",
    log:
        "logs/readme.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        studies=list(STUDIES),
        template="workflow/templates/README.md.j2",
        code=code("workflow/scripts/readme.py"),
    script:
        "../scripts/readme.py"


# config/README.md: every config key, its type, default and allowed values, from the
# schema (so the two cannot drift apart; tests/test_configdoc.py checks the committed file).
rule config_docs:
    input:
        schema=f"{workflow.basedir}/workflow/schemas/config.schema.yaml",
    output:
        "config/README.md",
    log:
        "logs/config_docs.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/config_docs.py"),
    script:
        "../scripts/config_docs.py"
