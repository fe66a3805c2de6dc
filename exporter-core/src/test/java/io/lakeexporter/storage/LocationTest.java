package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationTest {

  @Test
  void s3AndGcs() {
    Location s3 = Location.parse("s3://bucket/a/b c/d+e%f#g?h");
    assertThat(s3.scheme()).isEqualTo("s3");
    assertThat(s3.authority()).isEqualTo("bucket");
    assertThat(s3.path()).isEqualTo("a/b c/d+e%f#g?h");
    assertThat(s3.query()).isEmpty();
    assertThat(Location.parse("S3A://bucket").scheme()).isEqualTo("s3a");
    assertThat(Location.parse("s3a://bucket").path()).isEmpty();
    assertThat(Location.parse("gs://b/k").authority()).isEqualTo("b");
  }

  @Test
  void azureForms() {
    Location https =
        Location.parse("https://acct.blob.core.windows.net/container/dir/file.parquet");
    assertThat(https.authority()).isEqualTo("acct.blob.core.windows.net");
    assertThat(https.path()).isEqualTo("container/dir/file.parquet");
    Location abfss = Location.parse("abfss://container@acct.dfs.core.windows.net/dir/f");
    assertThat(abfss.scheme()).isEqualTo("abfss");
    assertThat(abfss.authority()).isEqualTo("container@acct.dfs.core.windows.net");
    assertThat(abfss.path()).isEqualTo("dir/f");
    Location wasb = Location.parse("wasbs://c@acct.blob.core.windows.net/p");
    assertThat(wasb.authority()).isEqualTo("c@acct.blob.core.windows.net");
    Location azurite = Location.parse("http://127.0.0.1:10000/devstoreaccount1/c/k");
    assertThat(azurite.authority()).isEqualTo("127.0.0.1:10000");
    assertThat(azurite.path()).isEqualTo("devstoreaccount1/c/k");
  }

  @Test
  void presignedUrlsKeepTheirQueryButNeverShowIt() {
    String url = "https://bucket.s3.amazonaws.com/k%20x?X-Amz-Signature=secret123&X-Amz-Expires=60";
    Location l = Location.parse(url);
    assertThat(l.query()).isEqualTo("X-Amz-Signature=secret123&X-Amz-Expires=60");
    assertThat(l.toString()).doesNotContain("secret123").endsWith("?<redacted>");
    assertThat(l.toUnredactedString()).isEqualTo(url);
    assertThat(l.toUri().toString()).isEqualTo(url);
  }

  @Test
  void aPasswordInTheUserInfoIsNeverShown() {
    String url = "https://reader:PW-CANARY@files.example.com/k.csv?sig=SIG-CANARY";
    Location l = Location.parse(url);
    assertThat(l.toString())
        .isEqualTo("https://reader:<redacted>@files.example.com/k.csv?<redacted>");
    assertThat(l.child("x").toString()).doesNotContain("PW-CANARY");
    assertThat(l.toUnredactedString()).isEqualTo(url);
    assertThatThrownBy(() -> Location.parse("1http://reader:PW-CANARY@h/x"))
        .hasMessageNotContaining("PW-CANARY")
        .hasMessageContaining("h/x");
  }

  @Test
  void filesystemForms() {
    assertThat(Location.parse("file:///tmp/x/y").toPath()).isEqualTo(Path.of("/tmp/x/y"));
    assertThat(Location.parse("file:/tmp/x").toPath()).isEqualTo(Path.of("/tmp/x"));
    assertThat(Location.parse("file://localhost/tmp/x").toPath()).isEqualTo(Path.of("/tmp/x"));
    assertThat(Location.parse("/tmp/x/../y").toPath()).isEqualTo(Path.of("/tmp/y"));
    assertThat(Location.parse("relative/dir").toPath())
        .isEqualTo(Path.of("relative/dir").toAbsolutePath());
    assertThat(Location.parse("file:///tmp/a b").toString()).isEqualTo("file:///tmp/a b");
    Location local = Location.parse("local://ns/data/x");
    assertThat(local.scheme()).isEqualTo("local");
    assertThat(local.authority()).isEqualTo("ns");
  }

  @Test
  void fileUrisAreDecodedLikeTheUrisTheyAre() {
    Path spaced = Path.of("/tmp/with space/ünï");
    assertThat(Location.parse(spaced.toUri().toString()).toPath()).isEqualTo(spaced);
    assertThat(Location.parse("file:///tmp/100%/x").toPath()).isEqualTo(Path.of("/tmp/100%/x"));
    assertThat(Location.parse("/tmp/a%20b").toPath())
        .as("a plain path is taken as written")
        .isEqualTo(Path.of("/tmp/a%20b"));
    assertThat(Location.parse("s3://b/a%20b").path())
        .as("object keys are literal")
        .isEqualTo("a%20b");
  }

  @Test
  void childJoinsWithOneSlash() {
    assertThat(Location.parse("s3://b/root").child("k").path()).isEqualTo("root/k");
    assertThat(Location.parse("s3://b/root/").child("k").path()).isEqualTo("root/k");
    assertThat(Location.parse("s3://b").child("k").path()).isEqualTo("k");
    assertThat(Location.parse("s3://b/x/y.bin").name()).isEqualTo("y.bin");
  }

  @Test
  void badLocationsSayWhatIsWrong() {
    assertThatThrownBy(() -> Location.parse("s3://")).hasMessageContaining("no bucket");
    // A misspelt file:/// has the bucket's place empty.
    assertThatThrownBy(() -> Location.parse("fiel:///tmp/x"))
        .hasMessage(
            "location 'fiel:///tmp/x' has no bucket, container or host; a local directory is"
                + " file:///absolute/path, or a plain path");
    assertThatThrownBy(() -> Location.parse("s3:bucket/x")).hasMessageContaining("no '//'");
    assertThatThrownBy(() -> Location.parse("file://"))
        .hasMessage("location 'file://' has no path; expected file:///absolute/path");
    assertThatThrownBy(() -> Location.parse("file://localhost"))
        .hasMessageContaining("has no path");
    assertThatThrownBy(() -> Location.parse("file:")).hasMessageContaining("has no path");
    assertThatThrownBy(() -> Location.parse("file:relative/x"))
        .hasMessage(
            "location 'file:relative/x' has a relative path; expected file:///absolute/path, or a"
                + " plain path for one relative to the working directory");
    assertThat(Location.parse("file:///").toPath()).isEqualTo(Path.of("/"));
    assertThatThrownBy(() -> Location.parse("file://otherhost/x"))
        .hasMessageContaining("otherhost");
    assertThatThrownBy(() -> Location.parse("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Location.parse("1x://b/k")).hasMessageContaining("invalid scheme");
  }

  @Test
  void anAddressKeepsTheWhitespaceItsKeyEndsWith() {
    assertThat(Location.parse(" s3://b/typed ").path()).isEqualTo("typed");
    assertThat(Location.parseAddress("s3://b/x ").path()).isEqualTo("x ");
    assertThat(Location.parseAddress("gs://b/tab\t").path()).isEqualTo("tab\t");
    assertThat(Location.parseAddress("local://repo/line\n").path()).isEqualTo("line\n");
    assertThatThrownBy(() -> Location.parseAddress(" ")).hasMessageContaining("empty");
  }
}
