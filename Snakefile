# rsparity: every number of README.md, rebuilt by `snakemake --cores 8`.
# Data flow: config -> search jobs (results/search) -> tables (results/tables)
# -> figures (results/figures) -> README.md. See workflow/rules/.


configfile: "config/config.yaml"


# `snakemake --cores 1 --report report.html`: this description, then every output marked with
# report(...) in the rules, by README section (workflow/rules/report.smk).
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/search.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/gradient.smk"
include: "workflow/rules/benchmark.smk"
include: "workflow/rules/basin.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/readme.smk"


rule all:
    default_target: True
    input:
        "README.md",
        "config/README.md",
        REPORT_CAPTIONS,
