package io.lakeexporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.filter.KeyFilter;
import io.lakeexporter.filter.SparkFilter;
import io.lakeexporter.plan.ExportMode;
import io.lakeexporter.plan.ExportPlan;
import io.lakeexporter.source.LakeFsClient;
import io.lakeexporter.source.LakeFsConfig;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.StorageSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an exporter owns and checks before it contacts anything; exports run in integration-tests.
 */
class ExporterTest {

  /** Nothing listens here: these tests never reach lakeFS. */
  private static final LakeFsConfig CONFIG =
      LakeFsConfig.builder()
          .apiUrl("http://127.0.0.1:1")
          .accessKeyId("AKIAEXAMPLE")
          .secretAccessKey("not-a-secret")
          .build();

  @TempDir Path out;

  @Test
  void anUnknownStorageSettingIsRefusedNamingTheClosestKey() {
    var builder =
        Exporter.builder()
            .lakeFs(CONFIG)
            .repository("repo")
            .destination(out.toUri().toString())
            .storageSettings(StorageSettings.of(Map.of("http.connect-timeot", "5s")));
    assertThatThrownBy(builder::build)
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "unknown setting 'http.connect-timeot': the http module has no such key; closest:"
                + " http.connect-timeout");
  }

  /** A filter of {@code rounds} rounds, or whose {@code rounds()} throws when it is null. */
  private static KeyFilter roundsOf(Integer rounds) {
    return new KeyFilter() {
      @Override
      public int rounds() {
        return rounds;
      }

      @Override
      public int roundForKey(String key) {
        return 1;
      }

      @Override
      public String toString() {
        return "rounds-of-" + rounds;
      }
    };
  }

  @Test
  void aKeyFilterIsRefusedByNameForItsRounds() {
    var builder = Exporter.builder().lakeFs(CONFIG).repository("repo").destination(out.toString());
    assertThatThrownBy(() -> builder.keyFilter(roundsOf(Integer.MAX_VALUE)).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("key filter rounds-of-2147483647 has 2147483647 rounds; at most 100000");
    assertThatThrownBy(() -> builder.keyFilter(roundsOf(0)).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("key filter rounds-of-0 has no rounds");
    assertThatThrownBy(() -> builder.keyFilter(roundsOf(null)).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessageStartingWith(
            "key filter rounds-of-null failed in rounds(): java.lang.NullPointerException");
    builder.keyFilter(roundsOf(100_000)).build().close();
  }

  @Test
  void aPlanOfAnotherRepositoryIsRefused() {
    try (Exporter exporter =
        Exporter.builder()
            .lakeFs(CONFIG)
            .repository("analytics")
            .destination(out.toString())
            .build()) {
      ExportPlan other =
          ExportPlan.of(
              ExportMode.COMMIT, "other", null, null, "c1", new SparkFilter(), Stream::empty);
      assertThatThrownBy(() -> exporter.run(other))
          .isInstanceOf(InvalidExportException.class)
          .hasMessage(
              "a plan of repository 'other' given to the exporter of repository 'analytics': its"
                  + " status file would name the wrong one");
    }
  }

  @Test
  void optionsOutOfTheirRangesAreRefusedByName() {
    var builder = Exporter.builder();
    assertThatThrownBy(() -> builder.concurrency(0))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("concurrency must be 1..1024, not 0");
    assertThatThrownBy(() -> builder.concurrency(1025))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("concurrency must be 1..1024, not 1025");
    assertThatThrownBy(() -> builder.partSize(0))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("part size must be positive, not 0");
    assertThatThrownBy(() -> builder.multipartThreshold(-1))
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("multipart threshold must be positive, not -1");
    // The edges themselves are taken.
    builder.concurrency(1).concurrency(1024).partSize(1).multipartThreshold(1);
  }

  @Test
  void anExporterClosesTheClientItBuiltFromAConfig() {
    LakeFsClient client;
    try (Exporter exporter =
        Exporter.builder().lakeFs(CONFIG).repository("repo").destination(out.toString()).build()) {
      client = exporter.lakeFsClient();
      assertThat(client.isClosed()).isFalse();
    }
    assertThat(client.isClosed()).isTrue();
    assertThatThrownBy(() -> client.resolveBranch("repo", "main"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void aBuilderNamesEverythingMissingAtOnce() {
    assertThatThrownBy(() -> Exporter.builder().build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage(
            "exporter settings missing: lakeFS (Builder.lakeFs), repository (Builder.repository),"
                + " destination root (Builder.destination)");
    assertThatThrownBy(
            () -> Exporter.builder().repository("repo").destination(out.toString()).build())
        .isInstanceOf(InvalidExportException.class)
        .hasMessage("exporter settings missing: lakeFS (Builder.lakeFs)");
  }

  @Test
  void aClosedExporterSaysItIsClosed() {
    try (LakeFsClient client = LakeFsClient.create(CONFIG)) {
      for (var builder :
          List.of(Exporter.builder().lakeFs(CONFIG), Exporter.builder().lakeFs(client))) {
        Exporter exporter = builder.repository("repo").destination(out.toString()).build();
        exporter.close();
        String closed =
            "the exporter of repository 'repo' to " + Location.ofPath(out) + " is closed";
        assertThatThrownBy(() -> exporter.exportAllFromBranch("main"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage(closed);
        assertThatThrownBy(() -> exporter.exportAllFromCommit("abc"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage(closed);
        assertThatThrownBy(() -> exporter.exportFrom("main", "abc"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage(closed);
        exporter.close();
      }
    }
  }

  @Test
  void aClientPassedInStaysOpenForItsOwner() {
    try (LakeFsClient client = LakeFsClient.create(CONFIG)) {
      try (Exporter exporter =
          Exporter.builder()
              .lakeFs(client)
              .repository("repo")
              .destination(out.toString())
              .build()) {
        assertThat(exporter.lakeFsClient()).isSameAs(client);
      }
      assertThat(client.isClosed()).isFalse();
    }
  }
}
