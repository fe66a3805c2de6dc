package io.lakeexporter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ContentCheckTest {

  private static final Manifest DATASET =
      new Manifest(
          Map.of(
              "events/a.bin", new Manifest.Entry(5000, 1),
              "events/b.bin", new Manifest.Entry(7000, 2),
              "c.bin", new Manifest.Entry(300, 3)));

  @Test
  void aDestinationThatHoldsTheDatasetPasses() {
    var destination = copyOf(DATASET);
    destination.put("EXPORT_c1_SUCCESS", new byte[10]);

    var outcome = check(destination, "EXPORT_c1_SUCCESS");

    assertThat(outcome.problems()).isEmpty();
    assertThat(outcome.found()).isEqualTo(DATASET.contents());
  }

  @Test
  void theRightCountAndBytesUnderOtherNamesFail() {
    var destination = new TreeMap<String, byte[]>();
    copyOf(DATASET).forEach((key, bytes) -> destination.put("renamed/" + key, bytes));

    var outcome = check(destination, null);

    assertThat(outcome.found()).isEqualTo(DATASET.contents());
    assertThat(outcome.problems())
        .containsExactly(
            "3 missing (the first: c.bin)", "3 not in the dataset (the first: renamed/c.bin)");
  }

  @Test
  void zerosOfTheRightSizeFail() {
    var destination = copyOf(DATASET);
    destination.put("events/b.bin", new byte[7000]);

    assertThat(check(destination, null).problems())
        .containsExactly("1 with the wrong bytes (the first: events/b.bin)");
  }

  @Test
  void aWrongSizeFails() {
    var destination = copyOf(DATASET);
    destination.put("c.bin", Arrays.copyOf(destination.get("c.bin"), 299));

    assertThat(check(destination, null).problems())
        .containsExactly("1 of the wrong size (the first: c.bin)");
  }

  @Test
  void statusFilesAreLeftOutOnlyAtTheRootAndTemporariesFailAtAnyDepth() {
    var destination = copyOf(DATASET);
    destination.put("events/EXPORT_c1_SUCCESS", new byte[1]);
    destination.put("events/.lakefs-export-1234.tmp", new byte[1]);
    destination.put(".lakefs-export-uploads/x/part-1", new byte[1]);

    assertThat(check(destination, null).problems())
        .containsExactly(
            "1 not in the dataset (the first: events/EXPORT_c1_SUCCESS)",
            "2 temporaries or upload parts left (the first: .lakefs-export-uploads/x/part-1)");
  }

  @Test
  void theExportersStatusFileIsRequiredWhenAsked() {
    var destination = copyOf(DATASET);
    destination.put("EXPORT_c0_SUCCESS", new byte[1]);

    assertThat(check(destination, "EXPORT_c1_SUCCESS").problems())
        .containsExactly("no EXPORT_c1_SUCCESS at the root");
  }

  @Test
  void aLargeObjectIsComparedByItsFirstAndLastMiB() throws IOException {
    long size = ContentCheck.WHOLE + (3L << 20);
    var large = new Manifest(Map.of("large.bin", new Manifest.Entry(size, 9)));
    byte[] bytes = bytesOf(large.get("large.bin"));
    var destination = new TreeMap<String, byte[]>(Map.of("large.bin", bytes));
    assertThat(ContentCheck.check(of(destination), large, List.of(), null).ok()).isTrue();

    bytes[bytes.length - 1] ^= 1;

    assertThat(ContentCheck.check(of(destination), large, List.of(), null).problems())
        .containsExactly("1 with the wrong bytes (the first: large.bin)");
  }

  @Test
  void objectsOutsideTheSampleAreReadWhenNamed() throws IOException {
    var entries = new TreeMap<String, Manifest.Entry>();
    for (int i = 0; i < ContentCheck.SAMPLE * 2; i++) {
      entries.put(String.format("k%04d", i), new Manifest.Entry(16, i));
    }
    var many = new Manifest(entries);
    var destination = copyOf(many);
    String unsampled =
        entries.keySet().stream()
            .filter(k -> !many.sample(ContentCheck.SAMPLE).contains(k))
            .findFirst()
            .orElseThrow();
    destination.put(unsampled, new byte[16]);

    assertThat(ContentCheck.check(of(destination), many, List.of(), null).ok()).isTrue();
    assertThat(ContentCheck.check(of(destination), many, List.of(unsampled), null).problems())
        .containsExactly("1 with the wrong bytes (the first: " + unsampled + ")");
  }

  @Test
  void randomContentSkipsToTheBytesItWouldHaveRead() throws IOException {
    // One byte read first, so that skips start inside a word as well as at its start.
    for (int offset : List.of(1, 2, 8, 9, 14, 1001)) {
      var read = new RandomContent(5, 2000);
      read.readNBytes(offset);
      var skipped = new RandomContent(5, 2000);
      skipped.readNBytes(1);
      assertThat(skipped.skip(offset - 1)).isEqualTo(offset - 1);
      assertThat(skipped.readAllBytes()).as("from %d", offset).isEqualTo(read.readAllBytes());
    }
  }

  private static ContentCheck.Outcome check(SortedMap<String, byte[]> destination, String status) {
    try {
      return ContentCheck.check(of(destination), DATASET, List.of(), status);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ContentCheck.Destination of(SortedMap<String, byte[]> objects) {
    return new ContentCheck.Destination() {
      @Override
      public SortedMap<String, Long> listing() {
        var listing = new TreeMap<String, Long>();
        objects.forEach((key, bytes) -> listing.put(key, (long) bytes.length));
        return listing;
      }

      @Override
      public InputStream read(String key, long offset, long length) {
        return new ByteArrayInputStream(objects.get(key), (int) offset, (int) length);
      }
    };
  }

  private static TreeMap<String, byte[]> copyOf(Manifest manifest) {
    var objects = new TreeMap<String, byte[]>();
    manifest.entries().forEach((key, entry) -> objects.put(key, bytesOf(entry)));
    return objects;
  }

  private static byte[] bytesOf(Manifest.Entry entry) {
    try (InputStream in = entry.content()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
