"""Runs a command and prints, as one JSON line, its wall time, CPU time, peak RSS and exit code.

The wrapper makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so that every
descendant of the command, even one whose parent exited first, is reparented to it and reaped by
it: the CPU time is that of the whole process tree. The peak RSS is the largest single process's
(the kernel gives no tree's sum). The wall time ends when the command exits. A descendant still
running then has a short grace to end; after it, every remaining one is killed, the log says so,
and the exit code is non-zero even when the command's was 0: a tool that leaves work running
behind its exit would otherwise be timed without it."""
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 2.0
LEFT_RUNNING_EXIT = 70

log_path, command = sys.argv[1], sys.argv[2:]
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")

cpu = 0.0
max_rss = 0


def account(usage):
    global cpu, max_rss
    cpu += usage.ru_utime + usage.ru_stime
    max_rss = max(max_rss, usage.ru_maxrss)


def children():
    """The processes whose parent is this wrapper (orphaned descendants come here)."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/" + entry + "/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == me:
                found.append(int(entry))
    return found


def reap_ready():
    """Reaps every child that has exited; False when none is left at all."""
    while True:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True
        account(usage)


# Truncated: a log left by an earlier run in the same work directory must not feed this one.
with open(log_path, "wb") as log:
    start = time.monotonic()
    child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    while True:
        pid, status, usage = os.wait4(-1, 0)
        account(usage)
        if pid == child.pid:
            break
    wall = time.monotonic() - start
    exit_code = os.waitstatus_to_exitcode(status)
    deadline = time.monotonic() + GRACE_SECONDS
    while reap_ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = 0
    while True:
        running = children()
        if not running:
            break
        left += len(running)
        for pid in running:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
        reap_ready()
    reap_ready()
    if left:
        log.write(("measure.py: %d process(es) still running %.0f s after the command exited;"
                   " killed, and the run failed\n" % (left, GRACE_SECONDS)).encode())
        if exit_code == 0:
            exit_code = LEFT_RUNNING_EXIT
print(json.dumps({
    "wall_s": wall,
    "cpu_s": cpu,
    "max_rss_kib": max_rss,
    "exit": exit_code,
    "left_running": left,
}))
