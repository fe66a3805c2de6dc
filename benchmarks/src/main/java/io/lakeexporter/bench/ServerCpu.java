package io.lakeexporter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by the servers every tool shares: the storage servers this JVM started (S3Proxy,
 * Azurite) and this JVM, which hosts the lakeFS emulator. Read from {@code /proc}; on a 2-core
 * machine it shows how much of the machine a tool left to the servers and how much the servers
 * needed for its requests.
 */
final class ServerCpu {

  private static final double TICKS_PER_SECOND = 100.0;

  private ServerCpu() {}

  /** CPU seconds this JVM (the lakeFS emulator, mostly) used so far. */
  static double emulatorSeconds() {
    return cpuOf(ProcessHandle.current().pid());
  }

  /** CPU seconds used so far by the servers and this JVM; NaN where /proc is not readable. */
  static double seconds() {
    double total = cpuOf(ProcessHandle.current().pid());
    for (ProcessHandle child : ProcessHandle.current().children().toList()) {
      String command = child.info().commandLine().orElse("");
      if (command.contains("s3proxy") || command.contains("azurite")) {
        total += cpuOf(child.pid());
      }
      // Azurite runs under node started by a shell script: count its children too.
      for (ProcessHandle grandchild : child.children().toList()) {
        if (grandchild.info().commandLine().orElse("").contains("azurite")) {
          total += cpuOf(grandchild.pid());
        }
      }
    }
    return total;
  }

  /**
   * CPU seconds the whole machine has been busy so far, all CPUs (user, nice, system, irq, softirq
   * and steal from {@code /proc/stat}); NaN where it is not readable. Over a run, what is left
   * after the tool's and the servers' CPU is other load that shared the machine.
   */
  static double machineBusySeconds() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** utime + stime of a process, in seconds. */
  private static double cpuOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
