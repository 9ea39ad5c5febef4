#!/usr/bin/env bash
# Smoke test of the CI SLURM cluster: up.sh, one succeeding and one failing
# batch job, their final states checked through accounting (sacct), down.sh
# on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIMEOUT=${RSPARITY_SLURM_TIMEOUT:-60}

trap 'bash "$HERE/down.sh"' EXIT

bash "$HERE/up.sh"

WORK=$(mktemp -d /tmp/rsparity-slurm-smoke.XXXXXX)
cd "$WORK"

ok_id=$(sbatch --parsable -J smoke-ok -o ok.out --wrap 'echo hi')
fail_id=$(sbatch --parsable -J smoke-fail -o fail.out --wrap 'exit 3')
ok_id=${ok_id%%;*}
fail_id=${fail_id%%;*}
echo "submitted: ok=$ok_id fail=$fail_id"

# final_state ID: the job's state in accounting, once it is no longer
# pending/running (empty until then).
final_state() {
    local s
    s=$(sacct -j "$1" -n -o State -X 2>/dev/null | awk 'NF {print $1; exit}')
    case $s in
        "" | PENDING | RUNNING | REQUEUED | RESIZING | SUSPENDED | COMPLETING) ;;
        *) echo "$s" ;;
    esac
}

deadline=$((SECONDS + TIMEOUT))
ok_state="" fail_state=""
while [[ -z $ok_state || -z $fail_state ]]; do
    if ((SECONDS >= deadline)); then
        echo "smoke: jobs not finished after ${TIMEOUT} s" >&2
        squeue >&2 || true
        sacct -j "$ok_id,$fail_id" -X -o JobID,JobName,State,ExitCode >&2 || true
        exit 1
    fi
    sleep 0.5
    [[ -n $ok_state ]] || ok_state=$(final_state "$ok_id")
    [[ -n $fail_state ]] || fail_state=$(final_state "$fail_id")
done

sacct -j "$ok_id,$fail_id" -X -o JobID,State,ExitCode,Elapsed
echo "job $ok_id (echo hi): $ok_state, output: $(cat ok.out 2>/dev/null)"
echo "job $fail_id (exit 3): $fail_state"

rc=0
[[ $ok_state == COMPLETED ]] || { echo "smoke: expected COMPLETED for $ok_id, got $ok_state" >&2; rc=1; }
[[ $fail_state == FAILED ]] || { echo "smoke: expected FAILED for $fail_id, got $fail_state" >&2; rc=1; }
[[ $(cat ok.out 2>/dev/null) == hi ]] || { echo "smoke: ok.out does not say 'hi'" >&2; rc=1; }
cd /
rm -rf "$WORK"
if [[ $rc -eq 0 ]]; then
    echo "slurm smoke: PASS (COMPLETED and FAILED seen through sacct)"
else
    echo "slurm smoke: FAIL" >&2
fi
exit "$rc"
