#!/usr/bin/env bash
# Stop the single-node SLURM cluster started by .ci/slurm/up.sh, by PID, in
# reverse start order. Never fails (always exits 0), so it is safe in
# `trap '.ci/slurm/down.sh' EXIT`.
#
# Env: RSPARITY_SLURM_STATE  state dir used by up.sh [/tmp/rsparity-slurm]
set -uo pipefail

STATE=${RSPARITY_SLURM_STATE:-/tmp/rsparity-slurm}
GRACE=${RSPARITY_SLURM_STOP_GRACE:-10}   # seconds before SIGKILL

STOPPED=()

say() { printf '[slurm-down] %s\n' "$*" >&2; }

# pid_from FILE: print the PID in FILE (digits only), or nothing.
pid_from() { [[ -s $1 ]] && tr -dc '0-9' <"$1" 2>/dev/null; }

# is_ours PID COMM: live process whose /proc/PID/comm starts with COMM
# and not a zombie (guards against a recycled PID).
is_ours() {
    local pid=$1 comm=$2 c
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    c=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [[ $c == "$comm"* ]] || return 1
    # A zombie has exited already; PID 1 on CI machines may reap it late.
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

# stop NAME PIDFILE...: TERM the process named in the first pid file that
# holds a live NAME process, wait up to GRACE s, then KILL; remove pid files.
stop() {
    local name=$1
    shift
    local f pid="" i
    for f in "$@"; do
        pid=$(pid_from "$f")
        if is_ours "$pid" "$name"; then break; fi
        pid=""
    done
    if [[ -n $pid ]]; then
        local t0=$SECONDS
        kill -TERM "$pid" 2>/dev/null
        for ((i = 0; i < GRACE * 5; i++)); do
            is_ours "$pid" "$name" || break
            sleep 0.2
        done
        # (mariadbd can hang for good if SIGTERM hits it mid-startup.)
        if is_ours "$pid" "$name"; then
            say "$name (pid $pid) ignored SIGTERM for ${GRACE} s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null
            for ((i = 0; i < 25; i++)); do
                is_ours "$pid" "$name" || break
                sleep 0.2
            done
        fi
        say "stopped $name (pid $pid) in $((SECONDS - t0)) s"
        STOPPED+=("$pid")
    fi
    rm -f "$@"
}

# Cancel whatever is still queued/running, so no slurmstepd/job outlives slurmd.
if command -v squeue >/dev/null 2>&1 &&
    is_ours "$(pid_from "$STATE/slurmctld.pid")" slurmctld; then
    jobs_left=$(timeout 10 squeue -h -o %i 2>/dev/null | tr '\n' ' ')
    if [[ -n ${jobs_left// /} ]]; then
        say "cancelling jobs: $jobs_left"
        # shellcheck disable=SC2086
        timeout 10 scancel $jobs_left >/dev/null 2>&1
        for ((i = 0; i < 50; i++)); do
            [[ -z $(timeout 5 squeue -h -o %i 2>/dev/null) ]] && break
            sleep 0.2
        done
    fi
fi

stop slurmd "$STATE/slurmd.pid" /run/slurmd.pid
stop slurmctld "$STATE/slurmctld.pid" /run/slurmctld.pid
stop slurmdbd "$STATE/slurmdbd.pid" /run/slurmdbd.pid
stop mariadbd "$STATE/mariadbd.pid" /run/mysqld/mysqld.pid
stop munged "$STATE/munged.pid" /run/munge/munged.pid

# Job step daemons of jobs that were killed with slurmd (only our cluster
# runs on this machine): match on the executable, not on a name pattern.
for p in /proc/[0-9]*; do
    if [[ $(readlink "$p/exe" 2>/dev/null) == /usr/sbin/slurmstepd ]]; then
        say "killing leftover slurmstepd (pid ${p#/proc/})"
        kill -KILL "${p#/proc/}" 2>/dev/null
    fi
done

# Exited daemons were re-parented to PID 1, which (without systemd) may reap
# them a little late; give it a moment so no <defunct> entry lingers.
for ((i = 0; i < 25; i++)); do
    left=0
    for pid in "${STOPPED[@]}"; do
        [[ -e /proc/$pid ]] && left=1
    done
    [[ $left -eq 0 ]] && break
    sleep 0.2
done

exit 0
