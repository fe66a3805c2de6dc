package io.lakeexporter.cli;

import java.net.IDN;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.logging.Logger;

/**
 * Set-up the JVM does once per process, done on a second core while the main thread parses the
 * command line and builds the lakeFS client, instead of in the main thread's way when its first
 * request needs it (measured: the lakeFS connection ~40 ms sooner, the first object byte too). Each
 * step is what an export does anyway, first touched there, in the order the main thread comes to
 * them: the time zone data OkHttp loads with its first class, the class path's jar (its 28,000
 * entries are read on the first resource lookup: the services files of {@code java.util.logging},
 * SLF4J and the storage providers), {@code java.util.logging} (OkHttp's task runner logs through
 * it), the security providers (OkHttp lists them before its first request, even over plain HTTP),
 * the host name tables of {@link IDN} (OkHttp checks every host with them) and, last though the
 * main thread needs it before the providers, the lakeFS SDK's JSON set-up (a type adapter per model
 * class): the main thread reaches it first anyway while this one loads the providers, and the step
 * only covers a slower start of this thread.
 *
 * <p>Nothing here changes what a command does: a class the main thread reaches first is initialized
 * by whichever thread comes first while the other waits, as the JVM guarantees. A step that fails
 * here is left to fail again where it is needed, with that caller's error.
 *
 * <p>No lambda or method reference runs on the main thread here: the first one in a process sets up
 * the JVM's lambda machinery (measured: 6 ms), which held up this thread's start when the steps
 * were lambdas in a static map; they are now an enum, whose constants are classes of their own
 * initialized on this thread. That start, the class path step and the security providers before the
 * JSON set-up (the main thread had waited 24 ms for {@code java.util.logging}, whose services
 * lookup opened the jar, and 14 ms for the providers) brought a large download's first byte from S3
 * 19-21 ms sooner (time marks in the process, medians of 5 runs against 5 of the build before,
 * alternating).
 */
final class StartupWarmUp implements Runnable {

  /** The steps, in the order they run; each a class of its own, so no lambda is involved. */
  private enum Step {
    TIME_ZONES("time zones") {
      @Override
      void run(ClassLoader loader) {
        TimeZone.getTimeZone("GMT");
      }
    },
    CLASS_PATH("class path") {
      @Override
      void run(ClassLoader loader) {
        if (loader.getResource("META-INF/MANIFEST.MF") == null) {
          throw new IllegalStateException("no manifest on the class path");
        }
      }
    },
    LOGGING("java.util.logging") {
      @Override
      void run(ClassLoader loader) {
        Logger.getLogger(StartupWarmUp.class.getName());
      }
    },
    SECURITY_PROVIDERS("security providers") {
      @Override
      void run(ClassLoader loader) {
        Security.getProviders();
      }
    },
    HOST_NAMES("IDN") {
      @Override
      void run(ClassLoader loader) {
        IDN.toASCII("localhost");
      }
    },
    LAKEFS_JSON("lakeFS SDK JSON") {
      @Override
      void run(ClassLoader loader) throws ClassNotFoundException {
        Class.forName("io.lakefs.clients.sdk.JSON", true, loader);
      }
    };

    private final String label;

    Step(String label) {
      this.label = label;
    }

    abstract void run(ClassLoader loader) throws Exception;
  }

  private StartupWarmUp() {}

  /** Starts the warm-up on a daemon thread, which never holds up the process's exit. */
  static void begin() {
    Thread thread = new Thread(new StartupWarmUp(), "startup-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    warmUp();
  }

  /** Runs every step; returns the names of those that failed, for tests to see. */
  static List<String> warmUp() {
    ClassLoader loader = StartupWarmUp.class.getClassLoader();
    var failed = new ArrayList<String>();
    for (Step step : Step.values()) {
      try {
        step.run(loader);
      } catch (Exception | LinkageError e) {
        failed.add(step.label);
      }
    }
    return failed;
  }
}
