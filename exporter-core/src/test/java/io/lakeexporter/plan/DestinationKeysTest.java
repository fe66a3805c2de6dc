package io.lakeexporter.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationKeysTest {

  private final Location fileRoot = Location.parse("file:///data/export/");
  private final Location s3Root = Location.parse("s3://bucket/export");

  @Test
  void keysGoUnderTheRoot() throws Exception {
    assertThat(DestinationKeys.resolve(fileRoot, "a/b c/d#1%.txt").toString())
        .isEqualTo("file:///data/export/a/b c/d#1%.txt");
    assertThat(DestinationKeys.resolve(s3Root, "x/y").toString())
        .isEqualTo("s3://bucket/export/x/y");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../etc/passwd", "a/../../b", "a/..", "/etc/passwd", "./a", "a//b", "a/./b", ""})
  void filesystemEscapesAreRefused(String key) {
    assertThatThrownBy(() -> DestinationKeys.resolve(fileRoot, key))
        .isInstanceOf(DestinationKeys.InvalidKeyException.class)
        .hasMessageContaining("refused key '" + key + "'");
  }

  /** Only '..' leaves the root; a '.' is refused for the name it would lose. */
  @Test
  void eachSegmentIsRefusedForWhatItWouldDo() {
    assertThatThrownBy(() -> DestinationKeys.resolve(fileRoot, "a/../b"))
        .hasMessageEndingWith("a '..' segment would escape the destination root");
    assertThatThrownBy(() -> DestinationKeys.resolve(fileRoot, "a/./b"))
        .hasMessageEndingWith(
            "a '.' segment names the directory it stands in on a filesystem: the file would land"
                + " under another key");
  }

  /** A commit's own EXPORT_RUNNING at its root would overwrite the lease of the export itself. */
  @Test
  void theLeasesNameAtTheRootIsRefusedAndBelowItKept() throws Exception {
    assertThatThrownBy(() -> DestinationKeys.resolve(s3Root, "EXPORT_RUNNING"))
        .hasMessageContaining("the name of the lease an export holds at the destination root");
    assertThatThrownBy(() -> DestinationKeys.resolve(fileRoot, "EXPORT_RUNNING/part-0"))
        .hasMessageContaining("put a directory in its way");
    assertThat(DestinationKeys.resolve(s3Root, "t/EXPORT_RUNNING").path())
        .isEqualTo("export/t/EXPORT_RUNNING");
  }

  /**
   * A committed key named as a status file would stand for (or, removed by a diff, delete) the
   * status of an export of that commit, which readers poll for.
   */
  @Test
  void statusFileNamesAtTheRootAreRefusedAndBelowItKept() throws Exception {
    String commit = "c0ffee".repeat(10) + "abcd";
    for (String key :
        List.of(
            "EXPORT_" + commit + "_SUCCESS", "EXPORT_" + commit + "_FAILURE", "EXPORT_x_SUCCESS")) {
      assertThatThrownBy(() -> DestinationKeys.resolve(s3Root, key))
          .isInstanceOf(DestinationKeys.InvalidKeyException.class)
          .hasMessageContaining("refused key '" + key + "'")
          .hasMessageContaining("the name of a status file an export writes");
    }
    assertThatThrownBy(
            () -> DestinationKeys.resolve(fileRoot, "EXPORT_" + commit + "_SUCCESS/part-0"))
        .hasMessageContaining("the name of a status file");
    assertThat(DestinationKeys.resolve(s3Root, "t/EXPORT_" + commit + "_SUCCESS").path())
        .isEqualTo("export/t/EXPORT_" + commit + "_SUCCESS");
    assertThat(DestinationKeys.resolve(s3Root, "EXPORT_" + commit + "_SUCCESS.bak").path())
        .isEqualTo("export/EXPORT_" + commit + "_SUCCESS.bak");
  }

  @Test
  void objectStoreKeysAreLiteral() throws Exception {
    assertThat(DestinationKeys.resolve(s3Root, "a/../b").path()).isEqualTo("export/a/../b");
    assertThat(DestinationKeys.resolve(s3Root, "a//b").path()).isEqualTo("export/a//b");
  }

  @Test
  void aLeadingSlashIsKeptUnderAPrefixAndRefusedAtABucketsRoot() throws Exception {
    assertThat(DestinationKeys.resolve(Location.parse("s3://bucket/export/"), "/a").path())
        .isEqualTo("export//a");
    assertThatThrownBy(() -> DestinationKeys.resolve(Location.parse("s3://bucket"), "/a"))
        .isInstanceOf(DestinationKeys.InvalidKeyException.class)
        .hasMessage(
            "refused key '/a': a key starting with '/' cannot be kept at the root of s3://bucket;"
                + " export under a prefix (e.g. s3://bucket/export/)");
    assertThat(DestinationKeys.resolve(Location.parse("gs://bucket/"), "a").path()).isEqualTo("a");
  }

  @Test
  void nulCharactersAreRefusedEverywhere() {
    assertThatThrownBy(() -> DestinationKeys.resolve(s3Root, "a\0b"))
        .isInstanceOf(DestinationKeys.InvalidKeyException.class);
  }

  @Test
  void keysInTheReservedPartAreRefusedNamingIt() throws Exception {
    var keys = new DestinationKeys(s3Root, "lakefs/repo/", "the storage namespace of 'repo'", true);
    assertThat(keys.resolve("lakefs/repository/x").path()).isEqualTo("export/lakefs/repository/x");
    assertThat(keys.resolve("lakefs/x").path()).isEqualTo("export/lakefs/x");
    for (String key : new String[] {"lakefs/repo/data/x", "lakefs/repo/", "lakefs/repo"}) {
      assertThatThrownBy(() -> keys.resolve(key))
          .isInstanceOf(DestinationKeys.InvalidKeyException.class)
          .hasMessageContaining("refused key '" + key + "'")
          .hasMessageContaining("s3://bucket/export/lakefs/repo")
          .hasMessageContaining("the storage namespace of 'repo'");
    }
    assertThat(DestinationKeys.under(s3Root).resolve("lakefs/repo/x").path())
        .isEqualTo("export/lakefs/repo/x");
  }
}
