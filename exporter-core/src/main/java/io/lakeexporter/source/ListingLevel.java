package io.lakeexporter.source;

import java.util.List;
import java.util.Objects;

/**
 * One level of a commit's listing: the subdirectories directly under a prefix and whether objects
 * sit beside them.
 *
 * @param prefixes the common prefixes, each ending in {@code /}, in listing order
 * @param hasObjects whether the level holds objects outside those prefixes
 */
public record ListingLevel(List<String> prefixes, boolean hasObjects) {
  public ListingLevel {
    prefixes = List.copyOf(Objects.requireNonNull(prefixes, "prefixes is null"));
  }
}
