package io.lakeexporter.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a/b.csv",
        "x/.hidden",
        "a//b",
        "dir/",
        "with space/a b.csv",
        "données/日本語.csv",
        "a.b/c",
        "percent/100%.csv"
      })
  void namesTheServiceKeepsAsWrittenPass(String name) {
    assertThat(BlobNames.problem(name)).isEmpty();
  }

  @Test
  void aSegmentEndingWithADotIsNamed() {
    assertThat(BlobNames.problem("data/x."))
        .hasValueSatisfying(p -> assertThat(p).contains("a path segment ('x.' here)"));
    assertThat(BlobNames.problem("data/y../z"))
        .hasValueSatisfying(p -> assertThat(p).contains("('y..' here)"));
    assertThat(BlobNames.problem("a/../b"))
        .hasValueSatisfying(p -> assertThat(p).contains("('..' here)"));
    assertThat(BlobNames.problem("./b"))
        .hasValueSatisfying(p -> assertThat(p).contains("('.' here)"));
  }

  @Test
  void containerNamesAzureWouldNeverGiveAreNamed() {
    for (String fine : List.of("c12", "export", "a-b-c", "x".repeat(63), "$root", "$web")) {
      assertThat(BlobNames.containerProblem(fine)).as(fine).isEmpty();
    }
    for (String bad : List.of("c1", "Export", "a--b", "-ab", "ab-", "a_b", "x".repeat(64), "$x")) {
      assertThat(BlobNames.containerProblem(bad))
          .as(bad)
          .contains(
              "'"
                  + bad
                  + "' is not an Azure container name: those hold 3 to 63 lowercase letters,"
                  + " digits and hyphens, begin and end with a letter or digit, and have no two"
                  + " hyphens in a row");
    }
  }

  @Test
  void aBackslashIsReadAsASlash() {
    assertThat(BlobNames.problem("a\\b"))
        .hasValue(
            "Azure Blob Storage reads '\\' in a blob name as '/': the blob would land under"
                + " another name, perhaps over another object's copy");
  }

  @Test
  void controlCharactersAreNamedByCodePoint() {
    assertThat(BlobNames.problem("a\nb"))
        .hasValue("Azure Blob Storage refuses control characters in blob names (U+000A here)");
    assertThat(BlobNames.problem("a\u0085b"))
        .hasValueSatisfying(p -> assertThat(p).contains("U+0085"));
    assertThat(BlobNames.problem("a\u007fb"))
        .hasValueSatisfying(p -> assertThat(p).contains("U+007F"));
  }

  @Test
  void lengthAndDepthHaveTheirLimits() {
    assertThat(BlobNames.problem("k".repeat(1024))).isEmpty();
    assertThat(BlobNames.problem("k".repeat(1025)))
        .hasValue(
            "Azure Blob Storage takes blob names of up to 1,024 characters, and this one has"
                + " 1,025");
    assertThat(BlobNames.problem("a/".repeat(253) + "a")).isEmpty();
    assertThat(BlobNames.problem("a/".repeat(254) + "a"))
        .hasValue(
            "Azure Blob Storage takes blob names of up to 254 path segments, and this one has"
                + " 255");
  }
}
