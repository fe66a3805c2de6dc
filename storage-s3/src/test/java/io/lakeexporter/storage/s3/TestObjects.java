package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.Location;
import java.util.Random;
import java.util.UUID;

/** Keys and contents for the S3 tests against the shared S3Proxy. */
final class TestObjects {

  private TestObjects() {}

  /** {@code key} under a folder of its own in {@code bucket}, so that tests never collide. */
  static Location freshLocation(String bucket, String key) {
    return Location.parse("s3://" + bucket + "/" + UUID.randomUUID() + "/" + key);
  }

  /** {@code size} bytes, the same for the same size. */
  static byte[] randomBytes(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }
}
