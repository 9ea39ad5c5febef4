# One search job per distinct setting and seed; the path encodes every setting.


rule search:
    output:
        "results/search/{arch}/{setting}/seed{seed}.json",
    log:
        "logs/search/{arch}/{setting}/seed{seed}.log",
    benchmark:
        "logs/search/{arch}/{setting}/seed{seed}.benchmark.tsv"
    conda:
        "../../environment.yml"
    params:
        spec=search_spec,
        code=code("workflow/scripts/search.py"),
    script:
        "../scripts/search.py"
