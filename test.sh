#!/usr/bin/env bash
# Runs every test of the project: unit tests, the ObjectStore contract suite against real servers
# (local files, S3Proxy, Azurite, fake-gcs-server, started by the tests on 127.0.0.1), the emulator
# checked with the official lakeFS SDK, end-to-end exports, the CLI jar, and Spark in local mode on
# Spark 4 (Scala 2.13) and again on Spark 3.5 (Scala 2.12).
set -euo pipefail
cd "$(dirname "$0")"
for tool in java node npm python3; do
  command -v "$tool" >/dev/null || { echo "test.sh: '$tool' is needed on PATH" >&2; exit 2; }
done
# A previous run's Spark 3.5 pass left exporter-spark's classes compiled against Spark 3.5 and
# Scala 2.12, which Maven sees as up to date: they go first, so Spark 4 runs classes built for it.
./mvnw -B -ntp -q -pl exporter-spark clean "$@"
./mvnw -B -ntp install "$@"
# clean: classes compiled against Spark 4 and Scala 2.13 must not be run against Spark 3.5.
./mvnw -B -ntp -Pspark35 -pl exporter-spark clean verify "$@"
