package io.lakeexporter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The exporter's version, from the build. */
public final class Version {

  private static final String VERSION = load();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("exporter.properties")) {
      if (in == null) {
        return "unknown";
      }
      var p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
