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
   * {@link ObjectStore#list} gives keys in the byte order of their UTF-8, the order lakeFS lists
   * paths in, so that a key a listing passes over without naming is not there. S3 and Cloud Storage
   * promise it; Azure lists in the order of UTF-16 chars (and an account with a hierarchical
   * namespace as a tree: {@code a/x} before {@code a-b}), and a store without it is only trusted
   * for the keys its listing names.
   */
  SORTED_LISTING,
  /**
   * A write, or a multipart upload's completion, that returns holds exactly the declared size, and
   * the store itself has made sure of it: every request declares its length and the service refuses
   * a body of any other, or the store compares a checksum the service reports, or it counts the
   * bytes before a file is moved into place (sources are read through {@link
   * ExactLengthInputStream}). The copy engine then trusts the write instead of asking for the
   * object's size afterwards, which costs a request per object; a store without it is checked with
   * {@link ObjectStore#stat}.
   */
  VERIFIED_WRITES
}
