package io.lakeexporter.spark;

import org.apache.spark.sql.SparkSession;

/** Spark in local mode as the tests run it: two threads, no web UI, bound to 127.0.0.1 only. */
final class LocalSpark {

  private LocalSpark() {}

  static SparkSession session(String appName) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}
