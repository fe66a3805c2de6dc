package io.lakeexporter.spark;

import io.lakeexporter.storage.UploadedPart;
import java.io.Serializable;

/**
 * A copied part, or why it failed.
 *
 * @param object the large object it belongs to
 * @param part the written part, or {@code null} on failure
 * @param error the failure, or empty
 * @param stopped why the round takes no more objects (a server the export needs gone), or empty
 */
record PartResult(int object, UploadedPart part, String error, String stopped)
    implements Serializable {}
