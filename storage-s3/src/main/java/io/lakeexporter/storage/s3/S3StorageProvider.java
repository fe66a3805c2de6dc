package io.lakeexporter.storage.s3;

import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StorageProvider;
import io.lakeexporter.storage.StorageSettings;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code s3://} and {@code s3a://} locations, on AWS S3 or any S3-compatible store. Settings are
 * described in {@link S3ClientSettings}; besides those:
 *
 * <ul>
 *   <li>{@code s3.multipart.threshold} (16MiB): larger writes are multipart uploads;
 *   <li>{@code s3.multipart.part-size} (16MiB): their part size (grown to stay within 10,000
 *       parts);
 *   <li>{@code s3.copy.multipart-threshold} (256MiB): larger server-side copies use parallel
 *       UploadPartCopy instead of one CopyObject (whose hard limit is 5 GiB);
 *   <li>{@code s3.copy.part-size} (128MiB) and {@code s3.copy.concurrency} (8): those copies'
 *       parts;
 *   <li>{@code s3.max-connections} (128): the HTTP connection pool of each client;
 *   <li>{@code s3.connection-timeout} (10s) and {@code s3.socket-timeout} (2m): how long to wait
 *       for a connection and for the next bytes of an answer;
 *   <li>{@code s3.fast-path} (true): the requests sent once per object (CopyObject, ranged
 *       GetObject, small PutObject, single-key DeleteObject) go out signed by the exporter over a
 *       lean HTTP/1.1 client instead of the SDK's request pipeline, which costs about ten times the
 *       CPU per request ({@link S3FastPath}); false sends everything through the SDK;
 *   <li>{@code s3.fast-path.put-limit} (1MiB, at most {@code s3.multipart.threshold}): the largest
 *       PutObject sent that way.
 * </ul>
 */
public final class S3StorageProvider implements StorageProvider {

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("s3", "s3a");
  }

  @Override
  public Set<String> settingKeys() {
    var keys = new TreeSet<String>();
    for (String key : S3ClientSettings.KEYS.keySet()) {
      keys.add("s3." + key);
      keys.add("s3.bucket.<bucket>." + key);
    }
    for (String s3aKey : S3ClientSettings.KEYS.values()) {
      if (!s3aKey.isEmpty()) {
        keys.add("fs.s3a." + s3aKey);
        keys.add("fs.s3a.bucket.<bucket>." + s3aKey);
      }
    }
    keys.addAll(S3Clients.KEYS);
    keys.addAll(S3ObjectStore.KEYS);
    return keys;
  }

  @Override
  public ObjectStore create(StorageSettings settings) {
    return new S3ObjectStore(settings);
  }
}
