package io.lakeexporter.storage;

/**
 * What a store can do beyond reading. A store that lacks a capability throws {@link
 * UnsupportedStoreOperationException} from the operation; the contract suite asserts exactly that.
 */
public enum StoreCapability {
  /** {@link ObjectStore#write} and, where implemented, multipart writes. */
  WRITE,
  /** {@link ObjectStore#delete}. */
  DELETE,
  /** {@link ObjectStore#list}. */
  LIST,
  /** Content type and user metadata survive a write and come back from stat. */
  METADATA
}
