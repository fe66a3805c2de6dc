package io.lakeexporter.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectMetadata;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.RequestRefusedException;
import io.lakeexporter.storage.UploadedPart;
import io.lakeexporter.storage.contract.AbstractObjectStoreContractTest;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalFileStoreContractTest extends AbstractObjectStoreContractTest {

  @TempDir static Path dir;

  private final LocalFileStore store = new LocalFileStore(Path.of("/nonexistent-blockstore"));

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected Location baseLocation() {
    return Location.ofPath(dir);
  }

  /**
   * Names list in the byte order of their UTF-8, as lakeFS and object stores list keys: a character
   * beyond U+FFFF after U+FF01, where Java's own string order puts it before.
   */
  @Test
  void namesBeyondTheBasicPlaneListInByteOrder() throws IOException {
    String emoji = "u/\uD83D\uDE00";
    String fullwidth = "u/\uFF01";
    for (String key : List.of(emoji, fullwidth, "u/a")) {
      put(at(key), new byte[] {1}, ObjectMetadata.EMPTY);
    }
    try (Stream<ObjectInfo> listed = store.list(at("u/"))) {
      assertThat(listed.map(i -> i.location().path().substring(root().path().length())).toList())
          .containsExactly("u/a", fullwidth, emoji);
    }
  }

  @Test
  void refusesPathsThatClimbOutOfTheirDirectory() {
    Location escape = new Location("file", "", dir + "/a/../../etc/passwd");
    assertThatThrownBy(
            () ->
                store.write(escape, new ByteArrayInputStream(new byte[1]), 1, ObjectMetadata.EMPTY))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'..'");
  }

  @Test
  void aLakeFsAddressUnderABlockstoreThatDoesNotExistNamesTheSetting() {
    Location address = Location.parseAddress("local://repo/data/gabc/xyz");
    assertThatThrownBy(() -> store.read(address, 0, -1))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("no object at local://repo/data/gabc/xyz")
        .hasMessageContaining("blockstore directory /nonexistent-blockstore does not exist")
        .hasMessageContaining("lakefs.blockstore.local.path");
  }

  @Test
  void aLakeFsAddressMissingFromAnExistingBlockstoreSaysWhereItWasLookedFor() throws IOException {
    Path blockstore = Files.createDirectories(dir.resolve("block"));
    var under = new LocalFileStore(blockstore);
    Location address = Location.parseAddress("local://repo/data/gabc/xyz");
    assertThatThrownBy(() -> under.read(address, 0, -1))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(
            "no object at local://repo/data/gabc/xyz (looked for it under the lakeFS blockstore"
                + " directory "
                + blockstore
                + "; lakefs.blockstore.local.path names another)");
  }

  @Test
  void everyWayOfWritingGivesTheModeTheUmaskGivesNewFiles() throws IOException {
    Path reference =
        Files.createFile(Files.createDirectories(root().toPath()).resolve("mode-reference"));
    var expected = Files.getPosixFilePermissions(reference);
    Location streamed = at("mode/streamed");
    put(streamed, randomBytes(10, 2), ObjectMetadata.EMPTY);
    Location copied = at("mode/copied");
    store.copyServerSide(streamed, copied, 10, ObjectMetadata.EMPTY);
    Location parts = at("mode/parts");
    var upload = store.startMultipart(parts, 10, 5, ObjectMetadata.EMPTY);
    upload.complete(
        List.of(
            upload.writePart(1, new ByteArrayInputStream(new byte[5]), 5),
            upload.writePart(2, new ByteArrayInputStream(new byte[5]), 5)));
    for (Location l : List.of(streamed, copied, parts)) {
      assertThat(Files.getPosixFilePermissions(l.toPath())).as(l.toString()).isEqualTo(expected);
    }
  }

  @Test
  void aFileWhereADirectoryMustBeIsRefusedForGoodAndNamed() throws IOException {
    put(at("blocked/table"), randomBytes(3, 4), ObjectMetadata.EMPTY);
    Location below = at("blocked/table/part-0");
    Path file = at("blocked/table").toPath();
    assertThatThrownBy(() -> put(below, randomBytes(3, 5), ObjectMetadata.EMPTY))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage("cannot write " + below.toPath() + ": " + file + " is a file, not a directory");
    // The file further up than the new directory's parent.
    Location deeper = at("blocked/table/deeper/part-0");
    assertThatThrownBy(() -> put(deeper, randomBytes(3, 5), ObjectMetadata.EMPTY))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessage(
            "cannot write " + deeper.toPath() + ": " + file + " is a file, not a directory");
    put(at("blocked/dir/inner"), randomBytes(3, 6), ObjectMetadata.EMPTY);
    assertThatThrownBy(() -> put(at("blocked/dir"), randomBytes(3, 7), ObjectMetadata.EMPTY))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining("a directory of that name is in the way");
  }

  @Test
  void aNameLongerThanTheFilesystemTakesIsRefusedForGoodInEveryWayOfWriting() throws IOException {
    Location source = at("long/source");
    put(source, randomBytes(10, 8), ObjectMetadata.EMPTY);
    String name = "n".repeat(300);
    // As a file's name, written whole, copied, and in parts; and as a directory's name.
    Location asFile = at("long/" + name);
    Location asDirectory = at("long/" + name + "/part-0");
    for (Location target : List.of(asFile, asDirectory)) {
      String refusal =
          "cannot write "
              + target.toPath()
              + ": the filesystem refused a name of 300 bytes ('nnnnnnnnnnnnnnnnnnnnnnnn...'; most"
              + " filesystems take at most 255 bytes per name): File name too long";
      assertThatThrownBy(() -> put(target, randomBytes(10, 9), ObjectMetadata.EMPTY))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessage(refusal);
      assertThatThrownBy(() -> store.copyServerSide(source, target, 10, ObjectMetadata.EMPTY))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessage(refusal);
      assertThatThrownBy(() -> writeInTwoParts(target))
          .isInstanceOf(RequestRefusedException.class)
          .hasMessage(refusal);
    }
    try (var files = Files.list(root().child("long/").toPath())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("source");
    }
    // The longest name most filesystems take is written.
    Location longest = at("long/" + "n".repeat(LocalFileStore.MOST_NAME_BYTES));
    put(longest, randomBytes(10, 10), ObjectMetadata.EMPTY);
    assertThat(readAll(longest)).isEqualTo(randomBytes(10, 10));
  }

  /**
   * The directories made for a file whose name the filesystem refuses go with the refusal: an empty
   * {@code date=...} directory would stand for a partition. A delete of such a name finds nothing
   * there, as a rerun's would.
   */
  @Test
  void aNameTooLongLeavesNoDirectoryMadeForItAndItsDeleteFindsItGone() throws IOException {
    Location target = at("made/for/it/" + "z".repeat(300));
    assertThatThrownBy(() -> put(target, randomBytes(10, 11), ObjectMetadata.EMPTY))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining("the filesystem refused a name of 300 bytes");
    assertThat(root().child("made").toPath()).doesNotExist();
    Location below = at("deep/" + "z".repeat(300) + "/part-0");
    assertThatThrownBy(() -> put(below, randomBytes(10, 11), ObjectMetadata.EMPTY))
        .isInstanceOf(RequestRefusedException.class)
        .hasMessageContaining("the filesystem refused a name of 300 bytes");
    assertThat(root().child("deep").toPath()).doesNotExist();

    put(at("kept/other"), randomBytes(10, 12), ObjectMetadata.EMPTY);
    assertThatThrownBy(
            () -> put(at("kept/" + "z".repeat(300)), randomBytes(10, 13), ObjectMetadata.EMPTY))
        .isInstanceOf(RequestRefusedException.class);
    assertThat(root().child("kept/other").toPath()).exists();

    assertThat(store.delete(List.of(target, at("kept/" + "z".repeat(300))))).isEmpty();
  }

  /** A multipart upload of 10 bytes, aborted as the copy engine aborts one that failed. */
  private void writeInTwoParts(Location target) throws IOException {
    var upload = store.startMultipart(target, 10, 5, ObjectMetadata.EMPTY);
    try {
      upload.complete(
          List.of(
              upload.writePart(1, new ByteArrayInputStream(new byte[5]), 5),
              upload.writePart(2, new ByteArrayInputStream(new byte[5]), 5)));
    } catch (IOException e) {
      upload.abort();
      throw e;
    }
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    put(at("clean/a"), randomBytes(10, 1), ObjectMetadata.EMPTY);
    try (var files = Files.list(root().child("clean/").toPath())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a");
    }
  }

  @Test
  void resolvesLakeFsLocalAddressesUnderTheBlockstoreDirectory() throws IOException {
    var blockstore = new LocalFileStore(dir.resolve("blockstore"));
    Location location = Location.parse("local://repo-ns/data/obj");
    blockstore.write(location, new ByteArrayInputStream(new byte[3]), 3, ObjectMetadata.EMPTY);
    assertThat(dir.resolve("blockstore/repo-ns/data/obj")).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"local://///etc/hostname", "local://////etc"})
  void refusesLakeFsLocalAddressesOutsideTheBlockstoreDirectory(String address) {
    var blockstore = new LocalFileStore(dir.resolve("blockstore"));
    assertThatThrownBy(() -> blockstore.read(Location.parse(address), 0, -1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not under the blockstore " + dir.resolve("blockstore"));
  }

  @ParameterizedTest(name = "source is a channel: {0}")
  @ValueSource(booleans = {false, true})
  void multipartPartsLandInPlaceAndMisfitPartsAreRefused(boolean channel) throws IOException {
    Location target = at("inplace-" + channel + "/obj.bin");
    byte[] data = randomBytes(2500, 12);
    var upload = store.startMultipart(target, data.length, 1000, ObjectMetadata.EMPTY);
    assertThatThrownBy(() -> upload.writePart(1, source(channel, data, 0, 999), 999))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> upload.writePart(4, source(channel, new byte[1], 0, 1), 1))
        .hasMessageContaining("does not fit");
    assertThatThrownBy(() -> upload.writePart(3, source(channel, data, 2000, 499), 500))
        .hasMessageContaining("got 499 of 500 bytes");
    assertThatThrownBy(() -> upload.writePart(3, source(channel, data, 1999, 501), 500))
        .hasMessageContaining("more than 500 bytes");
    var parts = new ArrayList<UploadedPart>();
    var resumed = store.resumeMultipart(target, upload.uploadId());
    parts.add(resumed.writePart(3, source(channel, data, 2000, 500), 500));
    parts.add(upload.writePart(1, source(channel, data, 0, 1000), 1000));
    assertThatThrownBy(() -> upload.complete(parts)).hasMessageContaining("part 2");
    parts.add(upload.writePart(2, source(channel, data, 1000, 1000), 1000));
    upload.complete(parts);
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
    try (var files = Files.list(target.toPath().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("obj.bin");
    }
    assertThatThrownBy(() -> store.resumeMultipart(target, ".lakefs-export-not-an-id"))
        .hasMessageContaining("not an upload of this store");
  }

  @Test
  void partsOfOneUploadWrittenByManyThreadsAtOnceLandInPlace() throws Exception {
    // Parts several write buffers long, from eight threads, half of them read as channels: each
    // part's writes interleave with the others' on the one file and must still land at its offset.
    int partSize = 200_000;
    int partCount = 16;
    byte[] data = randomBytes(partSize * partCount - 777, 13);
    Location target = at("threads/obj.bin");
    var upload = store.startMultipart(target, data.length, partSize, ObjectMetadata.EMPTY);
    var pool = Executors.newFixedThreadPool(8);
    try {
      var futures = new ArrayList<Future<UploadedPart>>();
      for (int i = 0; i < partCount; i++) {
        int number = i + 1;
        int offset = i * partSize;
        int length = Math.min(partSize, data.length - offset);
        futures.add(
            pool.submit(
                () ->
                    upload.writePart(
                        number, source(number % 2 == 0, data, offset, length), length)));
      }
      var parts = new ArrayList<UploadedPart>();
      for (var future : futures) {
        parts.add(future.get());
      }
      upload.complete(parts);
    } finally {
      pool.shutdownNow();
    }
    assertThat(Files.readAllBytes(target.toPath())).isEqualTo(data);
  }

  @Test
  void deletesLeaveNoEmptyDirectoriesBelowTheRoot() throws IOException {
    Path rootDir = root().toPath();
    for (String key : List.of("t/date=1/p0", "t/date=1/p1", "t/date=2/p0", "t/_SUCCESS", "x/y/z")) {
      put(at(key), new byte[] {1}, ObjectMetadata.EMPTY);
    }
    List<Location> deleted = List.of(at("t/date=1/p0"), at("t/date=1/p1"), at("x/y/z"));
    assertThat(store.delete(deleted)).isEmpty();

    store.removeEmptyDirectories(deleted, root());

    assertThat(rootDir.resolve("t/date=1")).doesNotExist();
    assertThat(rootDir.resolve("x")).doesNotExist();
    assertThat(rootDir.resolve("t/date=2/p0")).isRegularFile();
    assertThat(rootDir.resolve("t/_SUCCESS")).isRegularFile();
    assertThat(rootDir).isDirectory();
  }

  /**
   * A key whose name is now a directory's ({@code a} after {@code a/b} was written), or lies under
   * a file ({@code f/g} after {@code f} was written), has no file to delete: gone already, as a
   * missing key is, and what stands in its place stays.
   */
  @Test
  void aKeyWhoseNameIsADirectoryOrUnderAFileNowIsGoneAlready() throws IOException {
    Path rootDir = root().toPath();
    put(at("a/b"), new byte[] {1}, ObjectMetadata.EMPTY);
    put(at("f"), new byte[] {2}, ObjectMetadata.EMPTY);

    assertThat(store.delete(List.of(at("a"), at("f/g"), at("never/was")))).isEmpty();

    assertThat(rootDir.resolve("a/b")).isRegularFile();
    assertThat(rootDir.resolve("f")).isRegularFile();
  }

  @Test
  void theRootStaysWhenItsLastObjectIsDeleted() throws IOException {
    Location only = at("a/b/only");
    put(only, new byte[] {1}, ObjectMetadata.EMPTY);
    store.delete(List.of(only));

    store.removeEmptyDirectories(List.of(only, at("never/was/here")), at("a/"));

    assertThat(root().toPath().resolve("a")).isEmptyDirectory();
  }

  @Test
  void writesIntoADirectoryBeingEmptiedAndRemovedAllSucceed() throws Exception {
    // One thread empties a directory and removes it, over and over, while another writes into
    // it: each write must recreate the directory when the removal came between its two steps.
    Location dirRoot = at("race/");
    int rounds = 300;
    var pool = Executors.newFixedThreadPool(2);
    try {
      var writer =
          pool.submit(
              () -> {
                for (int i = 0; i < rounds; i++) {
                  put(at("race/d/kept-" + i), new byte[] {2}, ObjectMetadata.EMPTY);
                  store.delete(List.of(at("race/d/kept-" + i)));
                }
                return null;
              });
      var remover =
          pool.submit(
              () -> {
                for (int i = 0; i < rounds; i++) {
                  Location gone = at("race/d/gone-" + i);
                  put(gone, new byte[] {1}, ObjectMetadata.EMPTY);
                  store.delete(List.of(gone));
                  store.removeEmptyDirectories(List.of(gone), dirRoot);
                }
                return null;
              });
      writer.get();
      remover.get();
    } finally {
      pool.shutdownNow();
    }
    try (var left = Files.walk(dirRoot.toPath())) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }
  }

  /** The bytes as a plain stream, or as a stream that is also a channel, a few at a time. */
  private static InputStream source(boolean channel, byte[] data, int offset, int length) {
    var bytes = new ByteArrayInputStream(data, offset, length);
    if (!channel) {
      return bytes;
    }
    return new ChannelStream(bytes);
  }

  private static final class ChannelStream extends InputStream implements ReadableByteChannel {
    private final ByteArrayInputStream bytes;

    ChannelStream(ByteArrayInputStream bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) {
      byte[] some = new byte[Math.min(dst.remaining(), 300)];
      int n = bytes.read(some, 0, some.length);
      if (n > 0) {
        dst.put(some, 0, n);
      }
      return n;
    }

    @Override
    public int read() {
      throw new AssertionError("a channel is read as a channel");
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
