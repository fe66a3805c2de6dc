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
  METADATA,
  /**
   * A write, or a multipart upload's completion, that returns holds exactly the declared size,
   * proven by the store's own protocol: every request declares its length and the service refuses a
   * body of any other (the store reads its source through {@link ExactLengthInputStream}). The copy
   * engine then trusts the write instead of asking for the object's size afterwards, which costs a
   * request per object. A store without it is checked with {@link ObjectStore#stat}.
   */
  VERIFIED_WRITES
}
