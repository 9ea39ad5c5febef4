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
        report(
            "results/figures/search_curve.png",
            caption=report_caption("search_curve"),
            category="Visualisations",
            subcategory="Search curve",
        ),
        report(
            "results/figures/score_histogram.png",
            caption=report_caption("score_histogram"),
            category="Visualisations",
            subcategory="Distribution of trial scores",
        ),
        report(
            "results/figures/hinton.png",
            caption=report_caption("hinton"),
            category="Visualisations",
            subcategory="Winning weights",
        ),
        report(
            "results/figures/hidden_trajectories.png",
            caption=report_caption("hidden_trajectories"),
            category="Visualisations",
            subcategory="Hidden-unit trajectories",
        ),
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
        report(
            "results/figures/search.gif",
            caption=report_caption("search_gif"),
            category="Headline run",
        ),
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
        report(
            "results/figures/trials_vs_n.png",
            caption=report_caption("trials_vs_n"),
            category="Scaling",
            subcategory="Scaling in N",
        ),
        report(
            "results/figures/trials_ecdf.png",
            caption=report_caption("trials_ecdf"),
            category="Reliability",
        ),
        report(
            "results/figures/ablation.png",
            caption=report_caption("ablation"),
            category="Ablations",
            subcategory="p against H, r and N",
        ),
        report(
            "results/figures/paper_comparison.png",
            caption=report_caption("paper_comparison"),
            category="The 1996 paper's protocol",
            subcategory="Four update variants",
        ),
    log:
        "logs/figures/studies.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/study_figures.py"),
    script:
        "../scripts/study_figures.py"
