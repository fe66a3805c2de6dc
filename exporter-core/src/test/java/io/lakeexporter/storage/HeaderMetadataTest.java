package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderMetadataTest {

  private static ObjectMetadata user(Map<String, String> metadata) {
    return new ObjectMetadata("text/plain", metadata);
  }

  @Test
  void metadataAHeaderCarriesAsItIsPasses() {
    var plain =
        user(
            Map.of(
                "owner", "team-a",
                "Content-Owner", "x y",
                "lakefs-checksum", "9dd4e461268c8034f5c8564e155c67a6",
                "empty", ""));
    assertThat(HeaderMetadata.problem(plain, "S3", true)).isEmpty();
    assertThat(HeaderMetadata.problem(ObjectMetadata.EMPTY, "S3", true)).isEmpty();
  }

  @Test
  void eachKindOfLossIsNamedWithoutQuotingTheValue() {
    assertThat(HeaderMetadata.problem(user(Map.of("a", "1", "A", "2")), "S3", true))
        .contains("user metadata names 'A' and 'a' differ only in case: S3 keeps one of them");
    assertThat(HeaderMetadata.problem(user(Map.of("a b", "1")), "S3", true))
        .contains(
            "user metadata name 'a b' holds U+0020, which S3 does not take in a metadata name");
    assertThat(HeaderMetadata.problem(user(Map.of("a b", "1")), "Azure", false))
        .as("names the store encodes first")
        .isEmpty();
    assertThat(HeaderMetadata.problem(user(Map.of("k", "trail ")), "Azure", false))
        .contains(
            "the value of user metadata 'k' starts or ends with a space, which a header loses"
                + " (Azure)");
    assertThat(HeaderMetadata.problem(user(Map.of("k", "two\nlines")), "S3", true))
        .contains(
            "the value of user metadata 'k' holds U+000A, outside the printable ASCII a header"
                + " carries (S3)");
    assertThat(HeaderMetadata.problem(user(Map.of("k", "\uD83D\uDE00")), "S3", true).orElseThrow())
        .contains("U+1F600");
  }
}
