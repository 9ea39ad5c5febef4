# The engine's speed against the plain per-trial loop, on this machine.


rule engine_benchmark:
    input:
        script=f"{workflow.basedir}/benchmarks/engine_speed.py",
    output:
        "results/benchmark/engine_speed.json",
    params:
        engine=ENGINE_DIGEST,
        seconds=config.get("benchmark_seconds", 2.0),
    log:
        "logs/benchmark/engine_speed.log",
    threads: 2
    conda:
        "../../environment.yml"
    shell:
        "python {input.script} --seconds {params.seconds} --json {output} > {log} 2>&1"
