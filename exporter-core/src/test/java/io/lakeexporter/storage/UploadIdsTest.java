package io.lakeexporter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UploadIdsTest {

  @Test
  void anIdCarriesItsKeyAndMetadata() throws IOException {
    var md =
        new ObjectMetadata(
            "text/csv; charset=utf-8", Map.of("lakefs-checksum", "abc", "ünï", "= :#!"));
    String id = UploadIds.newId(md);
    assertThat(UploadIds.key(id)).hasSize(UploadIds.KEY_LENGTH);
    assertThat(UploadIds.metadata(id)).isEqualTo(md);
    assertThat(UploadIds.key(UploadIds.newId(md))).isNotEqualTo(UploadIds.key(id));
    assertThat(id).doesNotContain("/");
  }

  @Test
  void foreignIdsAreRefused() {
    assertThatThrownBy(() -> UploadIds.metadata("s3-upload-id"))
        .hasMessageContaining("not an upload id");
    assertThatThrownBy(() -> UploadIds.metadata("0123456789abcdef.%%%"))
        .hasMessageContaining("not an upload id");
  }
}
