package io.lakeexporter.spark;

import io.lakeexporter.storage.UploadedPart;
import java.io.Serializable;

/**
 * A copied part, or why it failed.
 *
 * @param object the large object it belongs to
 * @param part the written part, or {@code null} on failure
 * @param error the failure, or empty
 */
record PartResult(int object, UploadedPart part, String error) implements Serializable {}
