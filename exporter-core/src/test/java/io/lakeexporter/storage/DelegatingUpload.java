package io.lakeexporter.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** An upload that hands everything to another; tests override what they break or watch. */
public class DelegatingUpload implements MultipartUpload {
  private final MultipartUpload inner;

  public DelegatingUpload(MultipartUpload inner) {
    this.inner = inner;
  }

  @Override
  public Location location() {
    return inner.location();
  }

  @Override
  public String uploadId() {
    return inner.uploadId();
  }

  @Override
  public UploadedPart writePart(int partNumber, InputStream data, long length) throws IOException {
    return inner.writePart(partNumber, data, length);
  }

  @Override
  public void complete(List<UploadedPart> parts) throws IOException {
    inner.complete(parts);
  }

  @Override
  public void abort() throws IOException {
    inner.abort();
  }
}
