# Per-study tables: every run, and a summary per setting (CSV and Markdown).

TABLES = expand(
    "results/tables/{study}{suffix}",
    study=STUDIES,
    suffix=["_runs.csv", "_summary.csv", ".md", "_runs.md"],
)


rule study_tables:
    input:
        study_inputs,
    output:
        runs="results/tables/{study}_runs.csv",
        summary=report(
            "results/tables/{study}_summary.csv",
            caption=report_caption("study_summary"),
            category=lambda wildcards: section(wildcards.study)[0],
            subcategory=lambda wildcards: section(wildcards.study)[1],
        ),
        markdown="results/tables/{study}.md",
        runs_markdown="results/tables/{study}_runs.md",
    log:
        "logs/tables/{study}.log",
    # only the config's studies: results/tables/gradient_runs.csv is gradient_tables'
    wildcard_constraints:
        study="|".join(STUDIES),
    localrule: True
    conda:
        "../../environment.yml"
    params:
        title=lambda wildcards: STUDIES[wildcards.study].title,
        code=code("workflow/scripts/study_tables.py"),
    script:
        "../scripts/study_tables.py"
