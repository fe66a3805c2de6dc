package io.lakeexporter.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

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
