package io.lakeexporter.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The answers {@link S3RangedReadTest} cannot get S3Proxy to give: heads without a usable range.
 */
class ByteRangeTest {

  @Test
  void headersForTheWholeObjectARangeAndTheRestFromAnOffset() {
    assertThat(new ByteRange(0, -1).header()).isNull();
    assertThat(new ByteRange(0, 10).header()).isEqualTo("bytes=0-9");
    assertThat(new ByteRange(50, -1).header()).isEqualTo("bytes=50-");
  }

  @Test
  void aPartialAnswerMustSayWhereItStarts() throws IOException {
    var range = new ByteRange(50, 10);
    assertThat(range.bytesToTake(206, "bytes 50-59/*", 10)).isNegative();
    assertThat(range.bytesToTake(206, "bytes 50-99/100", 50)).isEqualTo(10);
    assertThatThrownBy(() -> range.bytesToTake(206, null, 10))
        .hasMessage("asked for bytes=50-59 and the server answered 206 without a Content-Range");
    assertThatThrownBy(() -> range.bytesToTake(206, "bytes */100", 10))
        .hasMessageContaining("206 with a malformed Content-Range 'bytes */100'");
    assertThatThrownBy(() -> range.bytesToTake(206, "bytes 59-50/100", 10))
        .hasMessageContaining("206 with Content-Range bytes 59-50/100");
    assertThatThrownBy(() -> range.bytesToTake(206, "bytes 99999999999999999999-1/2", 10))
        .hasMessageContaining("malformed Content-Range");
  }

  @Test
  void theWholeObjectIsAskedWithoutARangeAndMustComeWith200() throws IOException {
    var whole = new ByteRange(0, -1);
    assertThat(whole.bytesToTake(200, null, 100)).isNegative();
    assertThatThrownBy(() -> whole.bytesToTake(206, "bytes 0-9/100", 10))
        .hasMessage("asked for the whole object and the server answered 206 instead of 200");
  }
}
