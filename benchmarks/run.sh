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
