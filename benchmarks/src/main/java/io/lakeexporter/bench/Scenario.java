package io.lakeexporter.bench;

import java.util.Locale;

/** One dataset copied from one side to another. */
record Scenario(Dataset dataset, Side from, Side to) {

  /** {@code small S3Proxy -> local} */
  String id() {
    return dataset.kind() + " " + from.label + " -> " + to.label;
  }

  /** A name for folders: {@code small-s3-local}. */
  String slug() {
    return (dataset.kind() + "-" + from + "-" + to).toLowerCase(Locale.ROOT);
  }
}
