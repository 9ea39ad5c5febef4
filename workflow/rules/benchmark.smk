# The engine's speed against the plain per-trial loop, on this machine.


rule engine_benchmark:
    input:
        script=f"{workflow.basedir}/benchmarks/engine_speed.py",
    output:
        "results/benchmark/engine_speed.json",
    log:
        "logs/benchmark/engine_speed.log",
    conda:
        "../../environment.yml"
    threads: 2
    params:
        code=code("benchmarks/engine_speed.py"),
        seconds=config["benchmark_seconds"],
    shell:
        # this checkout's package first (also when another copy is installed)
        "PYTHONPATH={workflow.basedir:q}${{PYTHONPATH:+:$PYTHONPATH}} "
        "python {input.script} --seconds {params.seconds} --json {output} > {log} 2>&1"


# What the searches cost on this machine (Snakemake's per-job benchmark files).
rule search_cost:
    input:
        unpack(lambda wildcards: {s: search_benchmarks(s) for s in STUDIES}),
    output:
        "results/benchmark/search_cost.json",
    log:
        "logs/benchmark/search_cost.log",
    localrule: True
    conda:
        "../../environment.yml"
    params:
        code=code("workflow/scripts/search_cost.py"),
    script:
        "../scripts/search_cost.py"
