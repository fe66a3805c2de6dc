package io.lakeexporter.copy;

import java.io.IOException;
import java.io.InputStream;

/** Opens byte ranges of one source object, whichever way it is read. */
@FunctionalInterface
public interface SourceReader {

  /**
   * @param length bytes to read, or negative for the rest
   */
  InputStream open(long offset, long length) throws IOException;
}
