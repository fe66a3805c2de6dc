package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeexporter.storage.local.LocalFileStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartUploadTest {

  @TempDir Path dir;

  @Test
  void anAbortOnAnInterruptedThreadIsSentWithTheInterruptSetAsideAndThenKept() throws IOException {
    var store = new LocalFileStore(Path.of("/unused"));
    Location target = Location.ofPath(dir.resolve("out/object"));
    MultipartUpload local = store.startMultipart(target, 10, 5, ObjectMetadata.EMPTY);
    local.writePart(1, new ByteArrayInputStream(new byte[5]), 5);
    var interruptedAtAbort = new AtomicReference<Boolean>();
    // Records what a client that refuses interrupted threads would see, then aborts for real.
    MultipartUpload watched =
        new DelegatingUpload(local) {
          @Override
          public void abort() throws IOException {
            interruptedAtAbort.set(Thread.currentThread().isInterrupted());
            super.abort();
          }
        };
    Thread.currentThread().interrupt();
    try {
      MultipartUpload.abortDespiteInterrupt(watched);
      assertThat(Thread.currentThread().isInterrupted()).as("kept for the caller").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(interruptedAtAbort).hasValue(false);
    try (var left = Files.list(dir.resolve("out"))) {
      assertThat(left).as("nothing of the upload remains").isEmpty();
    }
  }
}
