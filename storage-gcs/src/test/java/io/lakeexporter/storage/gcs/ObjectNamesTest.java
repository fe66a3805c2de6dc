package io.lakeexporter.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a/b.csv",
        "x.",
        "a/../b",
        "a\\b",
        "dir/",
        "données/日本語.csv",
        "x/.well-known/acme-challenge/t",
        ".well-known/other"
      })
  void namesCloudStorageTakesPass(String name) {
    assertThat(ObjectNames.problem(name)).isEmpty();
  }

  @Test
  void bucketNamesCloudStorageCouldHaveGivenPass() {
    for (String bucket :
        List.of(
            "abc",
            "my-lake_2026",
            "x".repeat(63),
            "exports.example.com",
            String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(30)))) {
      assertThat(ObjectNames.bucketProblem(bucket)).as(bucket).isEmpty();
    }
  }

  @Test
  void bucketNamesCloudStorageNeverGivesAreRefusedByName() {
    for (String bucket :
        List.of(
            "Bad_Bucket",
            "ab",
            "x".repeat(64),
            "-starts-with-a-dash",
            "ends-with-an-underscore_",
            "two..dots",
            "a".repeat(63) + "." + "b".repeat(64),
            String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(31)),
            "space in it")) {
      assertThat(ObjectNames.bucketProblem(bucket))
          .as(bucket)
          .hasValueSatisfying(
              p ->
                  assertThat(p)
                      .startsWith("'" + bucket + "' is not a Cloud Storage bucket name")
                      .contains("lowercase letters, digits"));
    }
  }

  @Test
  void theLimitIsInBytesOfUtf8() {
    assertThat(ObjectNames.problem("k".repeat(1024))).isEmpty();
    // 342 three-byte characters: 1,026 bytes in 342 characters
    assertThat(ObjectNames.problem("日".repeat(342)))
        .hasValue(
            "Cloud Storage takes object names of up to 1,024 bytes in UTF-8, and this one has"
                + " 1,026");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "line\r\n"})
  void lineBreaksAreRefused(String name) {
    assertThat(ObjectNames.problem(name))
        .hasValue("Cloud Storage refuses object names that hold a carriage return or a line feed");
  }

  @Test
  void dotNamesAndTheAcmeChallengePrefixAreRefused() {
    assertThat(ObjectNames.problem("."))
        .hasValue("Cloud Storage refuses the object names '.' and '..'");
    assertThat(ObjectNames.problem(".."))
        .hasValue("Cloud Storage refuses the object names '.' and '..'");
    assertThat(ObjectNames.problem(".well-known/acme-challenge/token"))
        .hasValue(
            "Cloud Storage refuses object names that begin with '.well-known/acme-challenge/'");
  }
}
