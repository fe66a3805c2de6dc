package io.lakeexporter.storage;

import java.io.IOException;
import java.time.Duration;

/**
 * A store that can hand out a URL from which anyone may read an object, ranged GETs included, with
 * no credentials, until it expires (S3 presigned URLs, Azure SAS, GCS signed URLs). The returned
 * location's query is the signature: it is never logged ({@link Location#toString()} hides it).
 */
public interface Presignable {

  Location presignRead(Location location, Duration expiry) throws IOException;
}
