#!/usr/bin/env bash
# The benchmark in one command: builds the project (tests skipped), then writes the datasets,
# runs the exporter (CLI and Spark local mode), rclone, the AWS CLI, cp and a plain parallel ranged
# download on every scenario, and the planning benchmark, and writes benchmarks/results/.
#   benchmarks/run.sh                      the full run (about an hour on 2 cores)
#   benchmarks/run.sh --profile smoke      tiny datasets, one run of each (a few minutes)
#   benchmarks/run.sh --only "S3Proxy -> local" --runs 5 --no-planning
# rclone (when not on the PATH) and the AWS CLI come from Debian's packages, unpacked under .tools/.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in java node npm python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is needed on PATH" >&2; exit 2; }
done
# The options are checked before the build, which takes minutes: their form here, and the names
# of the scenarios and tools by the harness itself when an earlier build left its classes.
usage="use --profile full|smoke, --runs N, --warmups N, --out DIR, --work DIR, --only TEXT,\
 --tool TEXT, --s3-store filesystem|memory, --no-planning"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --no-planning) ;;
    --profile | --runs | --warmups | --out | --work | --only | --tool | --s3-store)
      if ((i + 1 >= ${#args[@]})); then
        echo "run.sh: ${args[i]} needs a value" >&2
        exit 2
      fi
      value="${args[i + 1]}"
      if [[ "${args[i]}" == --runs && ! "$value" =~ ^[1-9][0-9]*$ ]]; then
        echo "run.sh: --runs needs a whole number of at least 1, not '$value'" >&2
        exit 2
      fi
      if [[ "${args[i]}" == --warmups && ! "$value" =~ ^[0-9]+$ ]]; then
        echo "run.sh: --warmups needs a whole number, not '$value'" >&2
        exit 2
      fi
      i=$((i + 1))
      ;;
    *)
      echo "run.sh: unknown option '${args[i]}'; $usage" >&2
      exit 2
      ;;
  esac
done
# (Classes older than the option check would take --check-options for an unknown option.)
if [ -f 'benchmarks/target/classes/io/lakeexporter/bench/BenchmarkMain$Options.class' ] &&
  [ -f benchmarks/target/harness.classpath ]; then
  java -cp "benchmarks/target/classes:$(cat benchmarks/target/harness.classpath)" \
    io.lakeexporter.bench.BenchmarkMain --check-options "$@" || exit 2
fi
./mvnw -B -q -ntp install -DskipTests
cd benchmarks
# The servers' data and the local side live in memory when /dev/shm can hold them (about 12 GiB):
# on a small VM's disk, writeback of earlier runs otherwise decides the numbers.
tmp="${TMPDIR:-/tmp}"
if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt $((14 * 1024 * 1024)) ]; then
  tmp=/dev/shm
fi
exec java -Xmx6g -Djava.io.tmpdir="$tmp" -cp "target/classes:$(cat target/harness.classpath)" \
  io.lakeexporter.bench.BenchmarkMain "$@"
