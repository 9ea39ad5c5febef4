# README.md, rendered from a Jinja2 template; every number comes from results.


# What the results cost: CPU time from every search's record, and this run's
# wall time up to here (the last job before README.md; rsparity.cost).
rule run_cost:
    input:
        unpack(lambda wildcards: STUDY_RESULTS),
        before=["results/benchmark/engine_speed.json", *FIGURES, *TABLES],
    output:
        "results/benchmark/run_cost.json",
    log:
        "logs/benchmark/run_cost.log",
    localrule: True
    params:
        code=package_code("rsparity.jobs"),
    run:
        cost_job({s: input[s] for s in STUDIES}, output[0], RUN)


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
