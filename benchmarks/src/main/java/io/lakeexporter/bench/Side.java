package io.lakeexporter.bench;

/** Where a benchmark reads or writes: the local file system, S3 (S3Proxy) or Azure (Azurite). */
enum Side {
  LOCAL("local"),
  S3("S3Proxy"),
  AZURE("Azurite");

  final String label;

  Side(String label) {
    this.label = label;
  }
}
