package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void anEndpointLosesItsPasswordAndKeepsWhereItPoints() {
    assertThat(Redaction.url("http://admin:PW-CANARY@127.0.0.1:9000"))
        .isEqualTo("http://admin:<redacted>@127.0.0.1:9000");
    assertThat(Redaction.url("https://u:PW-CANARY@host/base?sig=SIG-CANARY"))
        .isEqualTo("https://u:<redacted>@host/base?<redacted>");
  }

  @Test
  void aUserNameAloneOrNoUserInfoStays() {
    assertThat(Redaction.url("https://127.0.0.1:9000/path"))
        .isEqualTo("https://127.0.0.1:9000/path");
    assertThat(Redaction.authority("container@account.dfs.core.windows.net"))
        .isEqualTo("container@account.dfs.core.windows.net");
    assertThat(Redaction.authority("host:9000")).isEqualTo("host:9000");
  }

  @Test
  void freeTextLosesEveryQuotedCredential() {
    String message =
        "Connect to http://u:PW-CANARY@10.0.0.1:9000/b/k?X-Amz-Signature=SIG-CANARY failed;"
            + " retried 'https://x:PW2-CANARY@h/c?sv=1&sig=SAS-CANARY'";
    assertThat(Redaction.text(message))
        .doesNotContain("CANARY")
        .contains("http://u:<redacted>@10.0.0.1:9000/b/k?<redacted>")
        .contains("https://x:<redacted>@h/c?<redacted>'");
  }
}
