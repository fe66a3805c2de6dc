package io.lakeexporter.spark;

import io.lakeexporter.source.ObjectEntry;
import java.io.Serializable;

/**
 * One part of a large object's multipart upload, copied by whichever executor gets it.
 *
 * @param object which large object of the round (an index into the driver's list)
 * @param entry the source object
 * @param target the destination location
 * @param uploadId the upload the driver started
 * @param partNumber 1-based part number
 * @param offset first byte of the part
 * @param length bytes in the part
 */
record PartTask(
    int object,
    ObjectEntry entry,
    String target,
    String uploadId,
    int partNumber,
    long offset,
    long length)
    implements Serializable {}
