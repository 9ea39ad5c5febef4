# The Snakemake report (`snakemake --cores 1 --report report.html`): the captions that carry
# numbers, written from the tables (rsparity.captions). The outputs themselves are
# marked with report(...) in the rules that make them; report_caption() (common.smk)
# names their caption files. Static captions and prose: workflow/report/*.rst.

REPORT_CAPTIONS = expand("results/report/{name}.rst", name=GENERATED)
REPORT_STUDIES = sorted(STUDIES)
"""The studies in name order: reordering the config's studies reruns no caption."""


rule report_captions:
    input:
        summaries=expand("results/tables/{study}_summary.csv", study=REPORT_STUDIES),
        markdown=expand("results/tables/{study}.md", study=REPORT_STUDIES),
        headline_runs="results/tables/headline_runs.csv",
        gradient_summary="results/tables/gradient_summary.csv",
        gradient_markdown="results/tables/gradient.md",
        gradient_runs="results/tables/gradient_runs.csv",
        benchmark="results/benchmark/engine_speed.json",
        literature=f"{workflow.basedir}/workflow/literature.yaml",
        static=expand(f"{workflow.basedir}/workflow/report/{{name}}.rst", name=GENERATED),
    output:
        REPORT_CAPTIONS,
    log:
        "logs/report/captions.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        studies=REPORT_STUDIES,
        titles={name: STUDIES[name].title for name in REPORT_STUDIES},
        static=lambda wildcards, input: Path(input.static[0]).parent,
        code=code("workflow/scripts/report_captions.py"),
    script:
        "../scripts/report_captions.py"
