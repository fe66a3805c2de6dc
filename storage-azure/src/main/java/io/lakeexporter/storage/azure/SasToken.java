package io.lakeexporter.storage.azure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a SAS token grants, read from its own fields, to say why Azure refused a request made with
 * it: Azure answers an expired token and one without the permission alike with 403, and names
 * neither the expiry nor the permission that was missing. Only {@code sp} (permissions), {@code se}
 * (expiry) and an account SAS's {@code ss} (services), {@code srt} (resource types) and {@code sip}
 * (IP range) are kept; never the signature.
 *
 * @param permissions the letters of {@code sp} (such as {@code rl}), empty when it has none
 * @param expiry {@code se}, when the token has one in a form Azure takes (a token under a stored
 *     access policy may have none)
 * @param services the letters of {@code ss} (such as {@code bq}), empty for a service SAS, which is
 *     for blobs by its nature
 * @param resourceTypes the letters of {@code srt} ({@code s}ervice, {@code c}ontainer, {@code
 *     o}bject), empty for a service SAS
 * @param ipRange {@code sip}, the addresses the token may be used from, or empty for any
 */
record SasToken(
    String permissions,
    Optional<Instant> expiry,
    String services,
    String resourceTypes,
    String ipRange) {

  /**
   * The fields of {@code token}, with or without its leading {@code ?}.
   *
   * @throws IllegalArgumentException naming the field, never its value, whose %-escapes are broken
   */
  static SasToken parse(String token) {
    String permissions = "";
    Optional<Instant> expiry = Optional.empty();
    String services = "";
    String resourceTypes = "";
    String ipRange = "";
    String query = token.startsWith("?") ? token.substring(1) : token;
    for (String field : query.split("&")) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = field.substring(0, eq);
      String value;
      try {
        value = URLDecoder.decode(field.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        // Not the decoder's words: they quote the characters, and this may be the signature.
        throw new IllegalArgumentException(
            "its '" + name + "' field holds a '%' that starts no %XX escape");
      }
      switch (name) {
        case "sp" -> permissions = value;
        case "se" -> expiry = instant(value);
        case "ss" -> services = value;
        case "srt" -> resourceTypes = value;
        case "sip" -> ipRange = value;
        default -> {
          // the signature and the rest say nothing about a refusal
        }
      }
    }
    return new SasToken(permissions, expiry, services, resourceTypes, ipRange);
  }

  /** Whether the token's time ran out before {@code now}. */
  boolean expiredAt(Instant now) {
    return expiry.isPresent() && expiry.get().isBefore(now);
  }

  /** Whether {@code sp} holds {@code permission} (one letter: r, w, d, l...). */
  boolean allows(char permission) {
    return permissions.indexOf(permission) >= 0;
  }

  /** Whether the token is for blobs: a service SAS always, an account SAS when {@code ss} says. */
  boolean servesBlobs() {
    return services.isEmpty() || services.indexOf('b') >= 0;
  }

  /** Where the token may be used from, for a refusal's message; empty when from anywhere. */
  String usedFrom() {
    return ipRange.isEmpty() ? "" : " (it may be used from " + ipRange + " only)";
  }

  /** Whether the token reaches {@code resourceType} (s, c or o): a service SAS always. */
  boolean reaches(char resourceType) {
    return resourceTypes.isEmpty() || resourceTypes.indexOf(resourceType) >= 0;
  }

  /** The forms Azure takes for {@code se}: a date, or a UTC time to the minute or second. */
  private static Optional<Instant> instant(String value) {
    try {
      if (value.length() == 10) {
        return Optional.of(LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC));
      }
      // "2026-11-27T10:00Z" has no seconds, which Instant.parse wants.
      return Optional.of(OffsetDateTime.parse(value).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
