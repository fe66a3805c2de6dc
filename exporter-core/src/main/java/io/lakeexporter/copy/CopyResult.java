package io.lakeexporter.copy;

/**
 * A finished copy.
 *
 * @param strategy how the bytes travelled
 * @param bytes the object's size
 * @param attempts attempts it took (for parts: the most any part took)
 */
public record CopyResult(CopyStrategy strategy, long bytes, int attempts) {}
