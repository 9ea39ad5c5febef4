#!/usr/bin/env bash
# Bring up a real single-node SLURM cluster with accounting (slurmdbd + mariadb)
# on this machine, without systemd. Run as root. Idempotent-ish: daemons that
# are already running (per their pid files) are left alone.
#
# Daemon PIDs are recorded in $RSPARITY_SLURM_STATE (default /tmp/rsparity-slurm)
# as <daemon>.pid; .ci/slurm/down.sh stops them. Logs live in $STATE/log.
#
# Env:
#   RSPARITY_SLURM_STATE    state dir (pid files, logs)   [/tmp/rsparity-slurm]
#   RSPARITY_SLURM_TIMEOUT  seconds to wait for each step [60]
set -euo pipefail

STATE=${RSPARITY_SLURM_STATE:-/tmp/rsparity-slurm}
TIMEOUT=${RSPARITY_SLURM_TIMEOUT:-60}
LOG="$STATE/log"
CLUSTER=rsparity
PARTITION=debug
DB_NAME=slurm_acct_db
DB_USER=slurm
DB_PASS=rsparity-ci-slurmdbd   # local-only CI database, bound to 127.0.0.1
PACKAGES=(munge slurmctld slurmd slurm-client slurmdbd mariadb-server)

say() { printf '[slurm-up] %s\n' "$*" >&2; }

die() {
    say "ERROR: $*"
    local f
    for f in "$LOG"/*.log; do
        [[ -s $f && $f != */apt-install.log ]] || continue
        printf '%s\n' "----- tail of $f -----" >&2
        tail -n 25 "$f" >&2 || true
    done
    exit 1
}

if [[ $(id -u) -ne 0 ]]; then
    die "must run as root"
fi

# ---------------------------------------------------------------- packages --
install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
            missing+=("$p")
        fi
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0

    say "installing: ${missing[*]}"
    local t0=$SECONDS created_policy=0
    # Keep package maintainer scripts from starting daemons through init
    # scripts (we start them ourselves and need to own their PIDs).
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        created_policy=1
    fi
    local rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            "${missing[@]}" >"$LOG/apt-install.log" 2>&1 \
        || { apt-get update -q >>"$LOG/apt-install.log" 2>&1 &&
             DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
                 "${missing[@]}" >>"$LOG/apt-install.log" 2>&1; }
    } || rc=$?
    if [[ $created_policy -eq 1 ]]; then
        rm -f /usr/sbin/policy-rc.d
    fi
    if [[ $rc -ne 0 ]]; then
        tail -n 30 "$LOG/apt-install.log" >&2 || true
        die "apt-get install failed (rc=$rc), see $LOG/apt-install.log"
    fi
    say "installed in $((SECONDS - t0)) s"
}

# ----------------------------------------------------------------- helpers --
# pid_alive PIDFILE [COMM]: true if the pid file names a live process (whose
# /proc/PID/comm starts with COMM, when given).
pid_alive() {
    local f=$1 comm=${2:-} pid
    [[ -s $f ]] || return 1
    pid=$(tr -dc '0-9' <"$f")
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    if [[ -n $comm ]]; then
        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm"* ]] || return 1
    fi
    # zombie = exited (PID 1 without systemd may reap it late)
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

# wait_for SECONDS DESCRIPTION CMD...: poll CMD every 0.2 s.
wait_for() {
    local secs=$1 what=$2
    shift 2
    local deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            die "timed out after ${secs} s waiting for $what"
        fi
        sleep 0.2
    done
}

# record NAME DAEMON_PIDFILE: copy a daemon's own pid file into the state dir.
record() {
    local name=$1 src=$2
    wait_for 20 "$name pid file $src" test -s "$src"
    tr -dc '0-9' <"$src" >"$STATE/$name.pid"
    echo >>"$STATE/$name.pid"
}

# ------------------------------------------------------------------ config --
write_if_changed() { # write_if_changed DEST MODE OWNER  (content on stdin)
    local dest=$1 mode=$2 owner=$3 tmp
    tmp=$(mktemp "$dest.XXXXXX")
    cat >"$tmp"
    chmod "$mode" "$tmp"
    chown "$owner" "$tmp"
    if [[ -f $dest ]] && cmp -s "$tmp" "$dest"; then
        rm -f "$tmp"
        chmod "$mode" "$dest"
        chown "$owner" "$dest"
    else
        mv -f "$tmp" "$dest"
    fi
}

write_configs() {
    local host node_line
    host=$(hostname -s)
    # `slurmd -C` prints the real hardware line; without it RealMemory
    # defaults to 1 MB and every --mem request is rejected.
    node_line=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=' | sed 's/ *UpTime=.*//')
    [[ -n $node_line ]] || die "slurmd -C printed no NodeName line"

    install -d -m 755 /etc/slurm
    install -d -o slurm -g slurm -m 755 /var/lib/slurm /var/lib/slurm/slurmctld /var/log/slurm
    install -d -o root -g root -m 755 /var/lib/slurm/slurmd

    write_if_changed /etc/slurm/slurm.conf 644 root:root <<EOF
# Generated by .ci/slurm/up.sh - single-node CI cluster with accounting.
ClusterName=$CLUSTER
SlurmctldHost=$host(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
Waittime=0
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
JobCompType=jobcomp/none
MailProg=/bin/true
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

    write_if_changed /etc/slurm/slurmdbd.conf 600 slurm:slurm <<EOF
# Generated by .ci/slurm/up.sh
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=slurm
PidFile=/run/slurmdbd.pid
LogFile=$LOG/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=$DB_USER
StoragePass=$DB_PASS
StorageLoc=$DB_NAME
EOF
}

# ----------------------------------------------------------------- daemons --
start_munged() {
    if pid_alive "$STATE/munged.pid" munged; then
        say "munged already running"
        return 0
    fi
    if [[ ! -s /etc/munge/munge.key ]]; then
        say "creating munge key"
        mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null ||
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    install -d -o munge -g munge -m 755 /run/munge
    install -d -o munge -g munge -m 700 /var/lib/munge
    install -d -o munge -g munge -m 700 /var/log/munge
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged --force \
        --log-file="$LOG/munged.log" --pid-file=/run/munge/munged.pid \
        </dev/null >>"$LOG/munged.start.log" 2>&1 ||
        die "munged failed to start"
    record munged /run/munge/munged.pid
    wait_for 20 "munge round trip" bash -c 'munge -n | unmunge'
    say "munged up (pid $(cat "$STATE/munged.pid"))"
}

mariadb_ping() { mariadb-admin --protocol=socket -uroot ping; }

start_mariadbd() {
    if pid_alive "$STATE/mariadbd.pid" mariadbd && mariadb_ping >/dev/null 2>&1; then
        say "mariadbd already running"
        return 0
    fi
    install -d -o mysql -g mysql -m 755 /run/mysqld
    if [[ ! -d /var/lib/mysql/mysql ]]; then
        say "initialising mariadb data dir"
        mariadb-install-db --user=mysql --datadir=/var/lib/mysql \
            >"$LOG/mariadb-install-db.log" 2>&1 || die "mariadb-install-db failed"
    fi
    : >"$LOG/mariadbd.log"
    chown mysql:mysql "$LOG/mariadbd.log"
    # mariadbd does not daemonize: run it in its own session, detached from
    # our stdio (a CI runner must not wait on its pipes).
    setsid /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 \
        --pid-file=/run/mysqld/mysqld.pid --log-error="$LOG/mariadbd.log" \
        --innodb-buffer-pool-size=1G --innodb-lock-wait-timeout=900 \
        </dev/null >>"$LOG/mariadbd.log" 2>&1 &
    echo "$!" >"$STATE/mariadbd.pid"
    wait_for "$TIMEOUT" "mariadbd to answer" mariadb_ping
    pid_alive "$STATE/mariadbd.pid" mariadbd || die "mariadbd exited"
    say "mariadbd up (pid $(cat "$STATE/mariadbd.pid"))"
}

setup_database() {
    mariadb --protocol=socket -uroot <<EOF || die "creating the slurm database/user failed"
CREATE DATABASE IF NOT EXISTS $DB_NAME;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
EOF
}

sacctmgr_ok() { timeout 10 sacctmgr -n -P list cluster format=cluster; }

start_slurmdbd() {
    if pid_alive "$STATE/slurmdbd.pid" slurmdbd; then
        say "slurmdbd already running"
    else
        if ! pid_alive /run/slurmdbd.pid slurmdbd; then
            rm -f /run/slurmdbd.pid
        fi
        /usr/sbin/slurmdbd </dev/null >>"$LOG/slurmdbd.start.log" 2>&1 ||
            die "slurmdbd failed to start"
        record slurmdbd /run/slurmdbd.pid
    fi
    wait_for "$TIMEOUT" "slurmdbd to answer sacctmgr" sacctmgr_ok
    say "slurmdbd answering (pid $(cat "$STATE/slurmdbd.pid"))"
    if ! sacctmgr_ok | grep -qx "$CLUSTER"; then
        timeout 20 sacctmgr -i add cluster "$CLUSTER" >>"$LOG/sacctmgr.log" 2>&1 ||
            die "sacctmgr add cluster $CLUSTER failed"
        say "cluster $CLUSTER added to accounting"
    fi
}

start_slurm_daemon() { # start_slurm_daemon NAME
    local name=$1
    if pid_alive "$STATE/$name.pid" "$name"; then
        say "$name already running"
        return 0
    fi
    if ! pid_alive "/run/$name.pid" "$name"; then
        rm -f "/run/$name.pid"
    fi
    "/usr/sbin/$name" </dev/null >>"$LOG/$name.start.log" 2>&1 ||
        die "$name failed to start"
    record "$name" "/run/$name.pid"
    say "$name up (pid $(cat "$STATE/$name.pid"))"
}

wait_node_idle() {
    local deadline=$((SECONDS + TIMEOUT)) state="" resumed=0 node
    node=$(hostname -s)
    while ((SECONDS < deadline)); do
        state=$(timeout 10 sinfo -h -n "$node" -o %T 2>/dev/null | head -n1 || true)
        case $state in
            idle) return 0 ;;
            down* | drain* | fail*)
                if [[ $resumed -eq 0 ]]; then
                    say "node $node is $state, resuming it"
                    scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true
                    resumed=1
                fi
                ;;
        esac
        sleep 0.3
    done
    die "node $node not idle after ${TIMEOUT} s (sinfo state: '${state:-none}')"
}

# -------------------------------------------------------------------- main --
t_start=$SECONDS
install -d -m 755 "$STATE"
# Shared log dir: daemons write here as root, slurm, munge and mysql.
install -d -m 1777 "$LOG"

install_packages
write_configs
start_munged
start_mariadbd
setup_database
start_slurmdbd
start_slurm_daemon slurmctld
start_slurm_daemon slurmd
wait_node_idle

echo "slurm up: node $(hostname -s) idle, partition $PARTITION, accounting via slurmdbd (cluster $CLUSTER) in $((SECONDS - t_start)) s; state in $STATE"
