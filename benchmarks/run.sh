#!/usr/bin/env bash
# The benchmark in one command: builds the project (tests skipped), then writes the datasets,
# runs the exporter (CLI and Spark local mode), rclone, the AWS CLI, cp and a plain parallel ranged
# download on every scenario, and the planning benchmark, and writes benchmarks/results/.
#   benchmarks/run.sh                      the full run (about an hour on 2 cores)
#   benchmarks/run.sh --profile smoke      tiny datasets, one run of each (a few minutes)
#   benchmarks/run.sh --only "S3Proxy -> local" --runs 5 --no-planning
# rclone (Debian package) and the AWS CLI (PyPI) are installed under .tools/ when not on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in java node npm python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is needed on PATH" >&2; exit 2; }
done
./mvnw -B -q -ntp install -DskipTests
cd benchmarks
exec java -Xmx6g -cp "target/classes:$(cat target/harness.classpath)" \
  io.lakeexporter.bench.BenchmarkMain "$@"
