"""Runs a command and prints, as one JSON line, its wall time, CPU time, peak RSS and exit code.

os.wait4 gives the rusage of the child and of the descendants it waited for, so the peak RSS is
the largest of the process tree (a wrapper script's interpreter included)."""
import json
import os
import subprocess
import sys
import time

log_path, command = sys.argv[1], sys.argv[2:]
# Truncated: a log left by an earlier run in the same work directory must not feed this one.
with open(log_path, "wb") as log:
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
print(json.dumps({
    "wall_s": wall,
    "cpu_s": usage.ru_utime + usage.ru_stime,
    "max_rss_kib": usage.ru_maxrss,
    "exit": os.waitstatus_to_exitcode(status),
}))
