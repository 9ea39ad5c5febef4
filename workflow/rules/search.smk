# One search job per distinct setting and seed; the path encodes every setting.
# A run: job: with --force-use-threads (profiles/default) it runs as a thread of
# the Snakemake process, which pays Python's start and imports once for all.


rule search:
    output:
        "results/search/{arch}/{setting}/seed{seed}.json",
    log:
        "logs/search/{arch}/{setting}/seed{seed}.log",
    priority: search_priority
    conda:
        "../../environment.yml"
    params:
        spec=search_spec,
        code=package_code("rsparity.jobs"),
    run:
        search_job(params.spec, output[0], log[0], RUN)
