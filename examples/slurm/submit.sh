#!/usr/bin/env bash
# Submits a sharded `seagull compare` sweep to Slurm: a job array of N shards (shard.sbatch, task I runs
# --shard I/N) and a merge job (merge.sbatch) that starts only after every shard succeeded. Prints the two
# job ids and exits; the jobs run on the cluster. Settings come from the environment:
#
#   SEAGULL        command that runs seagull (default: seagull, the installed tool), e.g.
#                  "dotnet /home/me/seagull/Shell.CSharp/Seagull.Cli/bin/Release/net10.0/seagull.dll"
#   OUT            sweep folder on a file system every node sees (default: ./sweep-<date>-<time>); must be
#                  new or empty: shards go to OUT/shard-I, the report to OUT/merged, Slurm's logs to OUT/logs
#   N              number of shards = array tasks (default 4)
#   COMPARE_ARGS   options of `seagull compare` for the grid, e.g. "--quick" or "--targets coulomb --seeds 10"
#                  (default: none, the full default grid); not --shard, --out or --jobs, which are set per shard
#   CPUS_PER_TASK  cores per shard, which is also its --jobs (default: shard.sbatch's #SBATCH value)
#
# Partition, account, time limits and the like: sbatch's own SBATCH_PARTITION, SBATCH_ACCOUNT,
# SBATCH_TIMELIMIT, ... (they apply to both jobs) or the #SBATCH lines of the two scripts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
die() { echo "submit.sh: $*" >&2; exit 1; }

SEAGULL=${SEAGULL:-seagull}
N=${N:-4}
OUT=${OUT:-$PWD/sweep-$(date +%Y%m%d-%H%M%S)}
COMPARE_ARGS=${COMPARE_ARGS:-}

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a whole number ≥ 1, got '$N'"
read -r -a compare_args <<< "$COMPARE_ARGS"
for word in ${compare_args[@]+"${compare_args[@]}"}; do
    case $word in
        --shard|--shard=*|--out|--out=*|-o|--jobs|--jobs=*|-j)
            die "COMPARE_ARGS must not hold $word: the shard scripts set --shard, --out and --jobs" ;;
    esac
done
command -v sbatch > /dev/null || die "sbatch not found: run this on a Slurm login node"
read -r -a seagull <<< "$SEAGULL"
command -v "${seagull[0]}" > /dev/null || die "SEAGULL='$SEAGULL': ${seagull[0]} not found"

# The jobs run elsewhere, in another working directory: give them an absolute folder.
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# Leftover shards from another sweep would be merged too (and make merge fail): start from an empty folder.
[ -z "$(ls -A "$OUT")" ] || die "OUT=$OUT is not empty: give each sweep a folder of its own"
mkdir -p "$OUT/logs"
export SEAGULL OUT N COMPARE_ARGS

cpus=()
[ -z "${CPUS_PER_TASK:-}" ] || cpus=(--cpus-per-task="$CPUS_PER_TASK")

# --export=ALL hands SEAGULL, OUT, N and COMPARE_ARGS to the jobs even where a site defaults to less.
# --parsable prints "jobid" or "jobid;cluster".
array_job=$(sbatch --parsable --export=ALL --array="0-$((N - 1))" ${cpus[@]+"${cpus[@]}"} \
    --output="$OUT/logs/shard-%a.out" "$here/shard.sbatch")
array_job=${array_job%%;*}
# A sweep without its merge would run for nothing: if the merge cannot be queued, take the array back.
merge_job=$(sbatch --parsable --export=ALL --dependency="afterok:$array_job" \
    --output="$OUT/logs/merge.out" "$here/merge.sbatch") ||
    { scancel "$array_job"; die "the merge job was not accepted; cancelled the array job $array_job"; }
merge_job=${merge_job%%;*}

echo "array_job=$array_job"
echo "merge_job=$merge_job"
echo "submitted $N shards (job array $array_job) and their merge (job $merge_job, after all shards succeed)" >&2
echo "report: $OUT/merged; logs: $OUT/logs; watch with: squeue -j $array_job,$merge_job" >&2
