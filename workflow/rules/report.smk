# The Snakemake report (`snakemake --cores 1 --report report.html`): the captions that carry
# numbers, written from the tables (rsparity.captions). The outputs themselves are
# marked with report(...) in the rules that make them; report_caption() names their
# caption files. Static captions and prose: workflow/report/*.rst.

from rsparity.captions import GENERATED, section

REPORT_CAPTIONS = expand("results/report/{name}.rst", name=GENERATED)


def report_caption(name):
    """A caption path for report(): generated (results/report) or static (workflow/report),
    relative to this rules directory, as Snakemake reads it."""
    if name in GENERATED:
        return f"../../results/report/{name}.rst"
    return f"../report/{name}.rst"


rule report_captions:
    input:
        summaries=expand("results/tables/{study}_summary.csv", study=STUDIES),
        headline_runs="results/tables/headline_runs.csv",
        gradient_summary="results/tables/gradient_summary.csv",
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
        studies=list(STUDIES),
        titles={name: study.title for name, study in STUDIES.items()},
        static=f"{workflow.basedir}/workflow/report",
        code=code("workflow/scripts/report_captions.py"),
    script:
        "../scripts/report_captions.py"
