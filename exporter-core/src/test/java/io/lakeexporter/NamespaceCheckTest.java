package io.lakeexporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.NamespaceCheck.Relation;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageRegistry;
import io.lakeexporter.storage.StorageSettings;
import io.lakeexporter.storage.local.LocalStorageProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceCheckTest {

  @TempDir Path work;

  private static Relation relation(String root, String namespace) {
    return NamespaceCheck.relation(Location.parse(root), Location.parse(namespace));
  }

  @Test
  void aRootInTheNamespaceOrAtItIsInside() {
    for (String root :
        List.of(
            "s3://lake/repos/analytics",
            "s3://lake/repos/analytics/",
            "s3://lake/repos/analytics/export/",
            "s3://lake/repos/analytics/data/x")) {
      assertThat(relation(root, "s3://lake/repos/analytics").kind())
          .as(root)
          .isEqualTo(Relation.Kind.INSIDE);
    }
    // A namespace that is a whole bucket holds every root in it.
    assertThat(relation("s3://lake/export/", "s3://lake").kind()).isEqualTo(Relation.Kind.INSIDE);
    assertThat(relation("s3://lake/export/", "s3://lake/").kind()).isEqualTo(Relation.Kind.INSIDE);
  }

  @Test
  void aRootAboveTheNamespaceHoldsItAtItsRelativePrefix() {
    assertThat(relation("s3://lake", "s3://lake/repos/analytics"))
        .isEqualTo(new Relation(Relation.Kind.HOLDS, "repos/analytics/"));
    assertThat(relation("s3://lake/repos/", "s3://lake/repos/analytics/"))
        .isEqualTo(new Relation(Relation.Kind.HOLDS, "analytics/"));
  }

  @Test
  void siblingsOtherBucketsAndOtherSchemesAreApart() {
    for (String root :
        List.of(
            "s3://lake/repos/analytics2/", // shares the namespace's characters, not its segments
            "s3://lake/repos/analytic",
            "s3://lake/export/",
            "s3://other/repos/analytics/",
            "gs://lake/repos/analytics/")) {
      assertThat(relation(root, "s3://lake/repos/analytics").kind())
          .as(root)
          .isEqualTo(Relation.Kind.APART);
    }
  }

  @Test
  void aLocalBlockstoreNamespaceIsComparedAsTheDirectoryItNames() throws Exception {
    Path blockstore = Files.createDirectories(work.resolve("blockstore"));
    var settings =
        StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, blockstore.toString()));
    try (var storage = new StorageRegistry(List.of(new LocalStorageProvider()), settings)) {
      Location inside = Location.ofPath(blockstore.resolve("analytics/export"));
      assertThatThrownBy(
              () -> NamespaceCheck.keys("analytics", "local://analytics", storage, inside))
          .isInstanceOf(InvalidExportException.class)
          .hasMessageContaining("cannot export to " + inside)
          .hasMessageContaining("storage namespace of repository 'analytics' (local://analytics)");

      Location above = Location.ofPath(blockstore);
      DestinationKeys keys = NamespaceCheck.keys("analytics", "local://analytics", storage, above);
      assertThat(keys.reservedPrefix()).isEqualTo("analytics/");
      assertThatThrownBy(() -> keys.resolve("analytics/data/x"))
          .isInstanceOf(DestinationKeys.InvalidKeyException.class);
      assertThat(keys.resolve("other/x")).isEqualTo(above.child("other/x"));

      // Beside the namespace on its store, where objects imported into the repository may be.
      Location beside = Location.ofPath(work.resolve("export"));
      assertThat(NamespaceCheck.keys("analytics", "local://analytics", storage, beside))
          .isEqualTo(new DestinationKeys(beside, "", "", true));
      // No module here serves S3: such a namespace cannot be where a local root is, nor can what
      // the repository imported, which lakeFS imports from its namespace's store.
      assertThat(NamespaceCheck.keys("analytics", "s3://lake/analytics", storage, above))
          .isEqualTo(DestinationKeys.under(above));
    }
  }

  @Test
  void aLocalBlockstoreNamespaceThatCannotBeLocatedIsSaidToBeUnchecked() throws Exception {
    // lakefs.blockstore.local.path missing or wrong: where local://analytics is cannot be told, so
    // the root may be in it (unchecked, and said so), and imported objects may be at the root.
    Path missing = work.resolve("no-blockstore");
    var settings =
        StorageSettings.of(Map.of(LocalStorageProvider.BLOCKSTORE_PATH_KEY, missing.toString()));
    var said = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    DestinationKeys keys;
    Location root = Location.ofPath(work);
    try (var storage = new StorageRegistry(List.of(new LocalStorageProvider()), settings)) {
      System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
      keys = NamespaceCheck.keys("analytics", "local://analytics", storage, root);
    } finally {
      System.setErr(stderr);
    }
    assertThat(keys).isEqualTo(new DestinationKeys(root, "", "", true));
    assertThat(said.toString(StandardCharsets.UTF_8))
        .contains(
            root
                + " was not checked against the storage namespace of repository 'analytics'"
                + " (local://analytics)")
        .contains("the lakeFS local blockstore directory " + missing + " does not exist")
        .contains("set lakefs.blockstore.local.path");
  }
}
