package io.lakeexporter.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.InvalidExportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeFsConfigTest {

  @TempDir Path dir;

  @Test
  void explicitSettingsWinOverKeysEnvironmentAndFile() throws IOException {
    Path file = dir.resolve("lakectl.yaml");
    Files.writeString(
        file,
        "credentials:\n  access_key_id: FILEKEY\n  secret_access_key: filesecret\n"
            + "server:\n  endpoint_url: http://file-host:8000\n");
    var env =
        Map.of(
            LakeFsConfig.ENV_ACCESS_KEY, "ENVKEY", LakeFsConfig.ENV_ENDPOINT, "http://env-host/");
    var keys =
        Map.of(LakeFsConfig.ACCESS_KEY_KEY, "HADOOPKEY", LakeFsConfig.READ_TIMEOUT_KEY, "90");
    LakeFsConfig config =
        LakeFsConfig.resolve(
            LakeFsConfig.builder().apiUrl("http://explicit:8000"), keys, env, file);
    assertThat(config.apiUrl()).isEqualTo("http://explicit:8000/api/v1");
    assertThat(config.accessKeyId()).isEqualTo("HADOOPKEY");
    assertThat(config.secretAccessKey()).isEqualTo("filesecret");
    assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.connectTimeout()).isEqualTo(LakeFsConfig.DEFAULT_CONNECT_TIMEOUT);
  }

  @Test
  void environmentBeatsTheLakectlFile() throws IOException {
    Path file = dir.resolve("lakectl.yaml");
    Files.writeString(
        file,
        "credentials:\n  access_key_id: FILEKEY\n  secret_access_key: filesecret\n"
            + "server:\n  endpoint_url: http://file-host:8000/api/v1\n");
    var env = Map.of(LakeFsConfig.ENV_ENDPOINT, "http://env-host:8000");
    LakeFsConfig config = LakeFsConfig.resolve(LakeFsConfig.builder(), Map.of(), env, file);
    assertThat(config.apiUrl()).isEqualTo("http://env-host:8000/api/v1");
    assertThat(config.accessKeyId()).isEqualTo("FILEKEY");
  }

  /**
   * Every setting given elsewhere: the lakectl file is not read, and a broken one fails nothing.
   */
  @Test
  void aBrokenLakectlFileIsNotReadWhenTheEnvironmentGivesEverySetting() throws IOException {
    Path file = dir.resolve("lakectl.yaml");
    Files.writeString(file, "credentials:\n  secret_access_key: \"unclosed\n");
    var env =
        Map.of(
            LakeFsConfig.ENV_ENDPOINT, "http://env-host:8000",
            LakeFsConfig.ENV_ACCESS_KEY, "ENVKEY",
            LakeFsConfig.ENV_SECRET_KEY, "envsecret");
    LakeFsConfig config = LakeFsConfig.resolve(LakeFsConfig.builder(), Map.of(), env, file);
    assertThat(config.accessKeyId()).isEqualTo("ENVKEY");
    // One setting short: the file is read for it, and its fault said.
    var partial = Map.of(LakeFsConfig.ENV_ENDPOINT, "http://env-host:8000");
    assertThatThrownBy(() -> LakeFsConfig.resolve(LakeFsConfig.builder(), Map.of(), partial, file))
        .hasMessageStartingWith("cannot read lakectl file " + file);
  }

  @Test
  void aLakectlFileThatIsNotYamlIsNamedWithoutQuotingItsLines() throws IOException {
    Path file = dir.resolve("lakectl.yaml");
    Files.writeString(file, "credentials:\n  secret_access_key: \"SECRETSECRET123\n");
    assertThatThrownBy(() -> LakeFsConfig.resolve(LakeFsConfig.builder(), Map.of(), Map.of(), file))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageStartingWith("cannot read lakectl file " + file + ": not valid YAML (line ")
        .hasMessageNotContaining("SECRETSECRET123");
  }

  /**
   * A lakectl file of the wrong shape is refused naming the part that is wrong, not read as if the
   * secret were missing; an empty value counts as unset, not as the word "null".
   */
  @Test
  void aLakectlFileOfTheWrongShapeIsRefusedNamingWhereWithoutQuotingIt() throws IOException {
    Path file = dir.resolve("lakectl.yaml");
    var cases =
        Map.of(
            "credentials:\n  access_key_id: KEY\n  secret_access_key:\n    - SECRETSECRET123\n",
            "'credentials.secret_access_key' holds a list, not a single value",
            "credentials: SECRETSECRET123\n",
            "'credentials' holds a single value, not a mapping of keys such as 'access_key_id'",
            "server:\n  endpoint_url:\n    host: lakefs\n",
            "'server.endpoint_url' holds a mapping, not a single value",
            "- SECRETSECRET123\n",
            "it holds a list, not the mapping of server: and credentials: lakectl writes");
    for (var c : cases.entrySet()) {
      Files.writeString(file, c.getKey());
      assertThatThrownBy(
              () -> LakeFsConfig.resolve(LakeFsConfig.builder(), Map.of(), Map.of(), file))
          .as(c.getKey())
          .isInstanceOf(InvalidExportException.class)
          .hasMessage("cannot read lakectl file " + file + ": " + c.getValue());
    }
    Files.writeString(
        file,
        "credentials:\n  access_key_id: KEY\n  secret_access_key:\n"
            + "server:\n  endpoint_url: http://lakefs:8000\n");
    assertThatThrownBy(() -> LakeFsConfig.resolve(LakeFsConfig.builder(), Map.of(), Map.of(), file))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("lakeFS settings missing: secret access key");
  }

  @Test
  void missingSettingsAreNamed() {
    assertThatThrownBy(
            () ->
                LakeFsConfig.resolve(
                    LakeFsConfig.builder().accessKeyId("AK"),
                    Map.of(),
                    Map.of(),
                    dir.resolve("none")))
        .isInstanceOf(InvalidExportException.class)
        .hasMessageContaining("endpoint")
        .hasMessageContaining("secret access key")
        .hasMessageNotContaining("access key id (");
  }

  @Test
  void badValuesAreRefused() {
    assertThatThrownBy(
            () ->
                LakeFsConfig.builder()
                    .apiUrl("ftp://x")
                    .accessKeyId("a")
                    .secretAccessKey("b")
                    .build())
        .hasMessageContaining("http://");
    assertThatThrownBy(
            () -> LakeFsConfig.fromKeys(Map.of(LakeFsConfig.CONNECTION_TIMEOUT_KEY, "soon")))
        .hasMessageContaining(LakeFsConfig.CONNECTION_TIMEOUT_KEY);
  }

  @Test
  void anEndpointWithoutAHostIsRefused() {
    for (String endpoint : List.of("http://", "https:///api/v1", "http://:8000", "http://[]:80")) {
      assertThatThrownBy(() -> config(endpoint))
          .as(endpoint)
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("names no host");
    }
    assertThat(config("http://[::1]:8000").apiUrl()).isEqualTo("http://[::1]:8000/api/v1");
    assertThat(config("http://lakefs_server:8000/").apiUrl())
        .as("container names may hold underscores")
        .isEqualTo("http://lakefs_server:8000/api/v1");
  }

  @Test
  void anEndpointThatWouldMangleEveryRequestIsRefusedSayingHow() {
    // A query may hold a token: the endpoint is shown up to it.
    assertThatThrownBy(() -> config("http://127.0.0.1:1/?token=TOPSECRET"))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "lakeFS endpoint 'http://127.0.0.1:1/?<hidden>' has a query or fragment; give the"
                + " server's address alone, e.g. https://lakefs.example.com");
    assertThatThrownBy(() -> config("https://lakefs.example.com#/repositories"))
        .hasMessageContaining("'https://lakefs.example.com#<hidden>'");
    Map<String, String> problems =
        Map.of(
            "http://127.0.0.1:80x", "port '80x'",
            "http://127.0.0.1:70000/", "port '70000'",
            "http://127.0.0.1:0", "port '0'",
            "http://lakefs example.com", "space or control character");
    problems.forEach(
        (endpoint, problem) ->
            assertThatThrownBy(() -> config(endpoint))
                .as(endpoint)
                .isInstanceOf(InvalidExportException.class)
                .hasMessageContaining("'" + endpoint + "'")
                .hasMessageContaining(problem));
    assertThat(config("http://[::1]").apiUrl()).isEqualTo("http://[::1]/api/v1");
    assertThat(config("HTTPS://Lakefs.Example.com").apiUrl())
        .as("a scheme in capitals")
        .isEqualTo("https://Lakefs.Example.com/api/v1");
    assertThat(config("https://h:65535/lakefs/").apiUrl())
        .as("a path before the API's, as behind a reverse proxy")
        .isEqualTo("https://h:65535/lakefs/api/v1");
  }

  @Test
  void aNegativeTimeoutIsRefusedNamingItsKeys() {
    assertThatThrownBy(
            () ->
                LakeFsConfig.builder()
                    .apiUrl("http://127.0.0.1:1")
                    .accessKeyId("AK")
                    .secretAccessKey("SK")
                    .connectTimeout(Duration.ofSeconds(-1))
                    .build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "lakeFS timeouts must not be negative: connect PT-1S, read PT1M"
                + " (lakefs.api.connection.timeout_seconds, lakefs.api.read.timeout_seconds)");
  }

  @Test
  void anEndpointWithUserInfoIsRefusedWithoutRepeatingIt() {
    for (String endpoint :
        List.of(
            "http://user:URLSECRET@127.0.0.1:8000",
            "https://user:URLSECRET@lakefs.example.com/api/v1?x=1",
            "ftp://user:URLSECRET@host/",
            "user:URLSECRET@host")) {
      assertThatThrownBy(() -> config(endpoint))
          .as(endpoint)
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("user name or password")
          .hasMessageNotContaining("URLSECRET")
          .hasMessageNotContaining("user:");
    }
    assertThatThrownBy(() -> config("http://user:URLSECRET@127.0.0.1:8000"))
        .hasMessageContaining("http://<hidden>@127.0.0.1:8000");
    assertThat(config("http://h/objects@v2").apiUrl())
        .as("an @ in the path is not user info")
        .isEqualTo("http://h/objects@v2/api/v1");
  }

  private static LakeFsConfig config(String endpoint) {
    return LakeFsConfig.builder().apiUrl(endpoint).accessKeyId("AK").secretAccessKey("SK").build();
  }

  @Test
  void theSecretIsNeverPrinted() {
    LakeFsConfig config =
        LakeFsConfig.builder()
            .apiUrl("http://h")
            .accessKeyId("AK")
            .secretAccessKey("s3cr3t")
            .build();
    assertThat(config.toString()).contains("AK").doesNotContain("s3cr3t");
  }
}
