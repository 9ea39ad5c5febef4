# Figures and the search animation, from result files (never inside a search).

HEADLINE_FIGURES = ["search_curve", "score_histogram", "hinton", "hidden_trajectories"]
STUDY_FIGURES = ["trials_vs_n", "trials_ecdf", "ablation", "paper_comparison"]
FIGURES = expand("results/figures/{name}.png", name=HEADLINE_FIGURES + STUDY_FIGURES) + [
    "results/figures/search.gif",
    "results/figures/basin.png",
]


rule trace:
    output:
        "results/trace/{arch}/{setting}/seed{seed}.json",
    log:
        "logs/trace/{arch}/{setting}/seed{seed}.log",
    conda:
        "../../environment.yml"
    params:
        spec=search_spec,
        every=config["trace_every"],
        code=code("workflow/scripts/trace.py"),
    script:
        "../scripts/trace.py"


rule headline_figures:
    input:
        record=HEADLINE["search"],
        trace=HEADLINE["trace"],
    output:
        expand("results/figures/{name}.png", name=HEADLINE_FIGURES),
    log:
        "logs/figures/headline.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/headline_figures.py"),
    script:
        "../scripts/headline_figures.py"


rule search_gif:
    input:
        trace=HEADLINE["trace"],
    output:
        "results/figures/search.gif",
    log:
        "logs/figures/search_gif.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        frames=config["gif_frames"],
        code=code("workflow/scripts/search_gif.py"),
    script:
        "../scripts/search_gif.py"


rule study_figures:
    input:
        scaling="results/tables/scaling_runs.csv",
        reliability="results/tables/reliability_runs.csv",
        n500="results/tables/n500_runs.csv",
        hidden="results/tables/hidden_summary.csv",
        weight_scale="results/tables/weight_scale_summary.csv",
        nodiag="results/tables/nodiag_summary.csv",
        paper="results/tables/paper_summary.csv",
        literature=f"{workflow.basedir}/workflow/literature.yaml",
    output:
        expand("results/figures/{name}.png", name=STUDY_FIGURES),
    log:
        "logs/figures/studies.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/study_figures.py"),
    script:
        "../scripts/study_figures.py"
