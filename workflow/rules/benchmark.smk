# The engine's speed against the plain per-trial loop, on this machine. It asks
# for every core, so no other job shares them while it measures.


rule engine_benchmark:
    input:
        script=f"{workflow.basedir}/benchmarks/engine_speed.py",
    output:
        report(
            "results/benchmark/engine_speed.json",
            caption=report_caption("engine_speed"),
            category="Engine speed",
        ),
    log:
        "logs/benchmark/engine_speed.log",
    conda:
        "../../environment.yml"
    threads: workflow.cores
    params:
        code=code("benchmarks/engine_speed.py"),
        seconds=config["benchmark_seconds"],
        root=lambda wildcards, input: Path(input.script).parents[1],
    shell:
        # this checkout's package first (also when another copy is installed)
        "PYTHONPATH={params.root:q}${{PYTHONPATH:+:$PYTHONPATH}} "
        "python {input.script} --seconds {params.seconds} --json {output} > {log} 2>&1"
