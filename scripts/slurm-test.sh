#!/usr/bin/env bash
# A real Slurm test of docs/slurm.md: starts a one-node Slurm cluster on this machine (munged
# with a generated key, slurmctld and slurmd, every file in a temporary folder), submits
# docs/slurm/sweep-array.sbatch over a bundled sweep as a 4-task job array with the merge job
# after it (--dependency=afterok), waits, and compares the merged files byte for byte with an
# unsharded `scimsim sweep`. Every daemon it started is stopped on exit.
#
#   bash scripts/slurm-test.sh
#
# Needs root (the daemons run as root). Installs slurm-wlm and munge with apt-get when they are
# missing. Exits 0 when the bytes match; otherwise says what failed and shows the daemons' logs.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sweep=$repo/scenarios/sweeps/email-fix-coverage.sweep.json
tasks=4
limit=300 # seconds the jobs may take

say() { echo "slurm-test: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    say "run as root (slurmd and munged run as root here)"
    exit 2
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
    || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q slurm-wlm munge
fi

say "building the release binary"
cargo build --release --locked --quiet --manifest-path "$repo/Cargo.toml" --bin scimsim
bin=${CARGO_TARGET_DIR:-$repo/target}/release/scimsim
[ -x "$bin" ] || { say "no binary at $bin"; exit 1; }

began=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/slurm-test.XXXXXX")
# munged wants the way to its socket open to every user.
chmod 711 "$tmp"
pids=()
ok=0
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "$ok" -ne 1 ]; then
        local log
        for log in "$tmp"/log/*; do
            [ -f "$log" ] || continue
            echo "----- $log" >&2
            tail -n 60 "$log" >&2
        done
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# A free TCP port (of a few random tries) for each daemon.
free_port() {
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    say "no free port found"
    exit 1
}

mkdir -p "$tmp/munge" "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/work"
chmod 755 "$tmp/munge"
head -c 1024 /dev/urandom >"$tmp/munge/munge.key"
chmod 600 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
munged --foreground --force --socket="$socket" --key-file="$tmp/munge/munge.key" \
    --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
    --log-file="$tmp/log/munged.log" &
pids+=($!)

host=$(hostname -s)
cpus=$(nproc)
ctld_port=$(free_port)
slurmd_port=$(free_port)
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=scimsim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

# munged answers before the Slurm daemons start.
waited=0
until [ -S "$socket" ]; do
    sleep 0.2
    waited=$((waited + 1))
    [ "$waited" -lt 150 ] || { say "munged did not start"; exit 1; }
done
slurmctld -D -i >>"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$host" >>"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)

say "waiting for the node"
waited=0
until sinfo -h -N -o '%T' 2>/dev/null | grep -qx 'idle'; do
    sleep 1
    waited=$((waited + 1))
    [ "$waited" -lt 120 ] || { say "the node did not become idle"; sinfo -N -l >&2 || true; exit 1; }
done

cd "$tmp/work"
start=$(date +%s)
# The commands of docs/slurm.md, with the binary just built on the PATH (sbatch passes the
# environment on to the jobs).
export PATH=$(dirname "$bin"):$PATH
array=$(sbatch --parsable --array=1-$tasks "$repo/docs/slurm/sweep-array.sbatch" "$sweep" shards)
array=${array%%;*}
merge=$(sbatch --parsable --output=scimsim-merge-%j.log --dependency=afterok:"$array" \
    --wrap "scimsim merge shards -o report")
merge=${merge%%;*}
say "submitted the array $array ($tasks tasks) and the merge $merge"

state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort -u | tr '\n' ' '; }
until [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ]; do
    sleep 1
    # A failed array task leaves the merge pending for ever (afterok): stop at once.
    if [ -z "$(squeue -h -j "$array" 2>/dev/null)" ] && [ "$(state "$array")" != "JobState=COMPLETED " ]; then
        scancel "$merge" 2>/dev/null || true
        break
    fi
    if [ $(($(date +%s) - start)) -gt "$limit" ]; then
        say "the jobs did not finish within $limit s"
        squeue >&2 || true
        exit 1
    fi
done
say "jobs ended after $(($(date +%s) - start)) s: array $(state "$array")· merge $(state "$merge")"
for log in scimsim-*.log; do
    echo "----- $log" >&2
    cat "$log" >&2
done
if [ "$(state "$array")" != "JobState=COMPLETED " ] || [ "$(state "$merge")" != "JobState=COMPLETED " ]; then
    say "a job did not complete"
    exit 1
fi

"$bin" sweep "$sweep" -o whole --quiet
if ! diff -r whole report >&2; then
    say "the merged report differs from an unsharded sweep"
    exit 1
fi
say "the merged report of $tasks shards is byte-identical to an unsharded sweep ($(ls whole | wc -l) files;" \
    "$(($(date +%s) - began)) s in all)"
ok=1
