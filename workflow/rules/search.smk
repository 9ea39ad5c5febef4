# One search job per distinct setting and seed; the path encodes every setting.


rule search:
    output:
        "results/search/{arch}/{setting}/seed{seed}.json",
    params:
        spec=search_spec,
        engine=ENGINE_DIGEST,
    log:
        "logs/search/{arch}/{setting}/seed{seed}.log",
    benchmark:
        "logs/search/{arch}/{setting}/seed{seed}.benchmark.tsv"
    conda:
        "../../environment.yml"
    script:
        "../scripts/search.py"
