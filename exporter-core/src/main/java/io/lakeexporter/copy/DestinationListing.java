package io.lakeexporter.copy;

import io.lakeexporter.plan.Action;
import io.lakeexporter.plan.DestinationKeys;
import io.lakeexporter.storage.KeyOrder;
import io.lakeexporter.storage.Location;
import io.lakeexporter.storage.ObjectInfo;
import io.lakeexporter.storage.ObjectStore;
import io.lakeexporter.storage.StoreCapability;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination listed beside a round's own listing, for an export that skips identical objects:
 * both come in key order, so one pass over each tells every object's size and ETag for a listing
 * page per thousand objects, where a stat per object costs a request each (on S3, a HEAD). What the
 * listing cannot decide (an ETag that is no MD5, which the object's recorded checksum in its
 * metadata must settle) is still asked by stat.
 *
 * <p>A wrong guess here only ever costs a copy: an object is left alone only on what its own
 * listing entry, or its stat, shows of it, never for want of an entry. A key the listing passes
 * over is taken for missing only on a store whose listing is in lakeFS's order ({@link
 * StoreCapability#SORTED_LISTING}); there a listing that breaks off, or a server that sorts
 * otherwise, makes objects that are there look missing, and they are copied again, as without this.
 *
 * <p>{@link #watch} is pulled by one thread at a time (the executor's workers take actions under a
 * lock); {@link #take} is called by any worker, once for each action it copies. What is seen and
 * not yet taken is the actions pulled and not yet copied: a few per worker.
 */
public final class DestinationListing {
  private static final Logger LOG = LoggerFactory.getLogger(DestinationListing.class);

  /** What a destination listing showed at one key: its object, or none ({@code info} null). */
  public record Listed(ObjectInfo info) {
    static final Listed NOTHING = new Listed(null);
  }

  /**
   * Objects of the destination's listing that no copy asks about, past which the listing is given
   * up for the round (beyond {@link #PASSED_OVER_PER_LOOKUP} for each copy looked up): a few copies
   * under a root that holds much else (a bucket's root, the older exports beside them) would
   * otherwise page through all of it to reach their keys.
   */
  static final long PASSED_OVER_ALLOWED = 10_000;

  /** Objects of the listing a looked-up copy may pass over, for the older objects it holds. */
  static final long PASSED_OVER_PER_LOOKUP = 4;

  private final ObjectStore store;
  private final DestinationKeys keys;
  private final long passedOverAllowed;
  private final boolean sorted;
  private final Map<String, Listed> seen = new ConcurrentHashMap<>();

  public DestinationListing(ObjectStore store, DestinationKeys keys) {
    this(store, keys, PASSED_OVER_ALLOWED);
  }

  DestinationListing(ObjectStore store, DestinationKeys keys, long passedOverAllowed) {
    this.store = store;
    this.keys = keys;
    this.passedOverAllowed = passedOverAllowed;
    this.sorted = store.capabilities().contains(StoreCapability.SORTED_LISTING);
  }

  /**
   * {@code actions}, with the destination listed beside them as they are pulled: each copy's key is
   * looked up in the listing, for {@link #take} to find. Closing the stream ends the listing.
   */
  public Stream<Action> watch(Stream<Action> actions) {
    var cursor = new Cursor();
    return actions.peek(cursor::look).onClose(cursor::close);
  }

  /**
   * What the listing showed for {@code path}'s key, forgotten once told; null when it was not
   * listed (an action of a round not watched, or a listing that broke off).
   */
  public Listed take(String path) {
    return seen.remove(path);
  }

  /** One round's pass over the destination's listing. */
  private final class Cursor {
    private Stream<ObjectInfo> listing;
    private Iterator<ObjectInfo> objects;
    private ObjectInfo head;
    private String lastKey = "";
    private long lookedUp;
    private long passedOver;
    private boolean broken;

    void look(Action action) {
      if (action.kind() != Action.Kind.COPY || broken) {
        return;
      }
      String key;
      try {
        // The store's own name rules are checked where the key is copied, not twice.
        key = keys.resolve(action.path()).path();
      } catch (DestinationKeys.InvalidKeyException refused) {
        return; // refused where it is copied
      }
      try {
        if (objects == null) {
          listing = store.list(under(keys.root()));
          objects = listing.iterator();
          head = next();
        }
        lookedUp++;
        while (head != null && KeyOrder.compare(head.location().path(), key) < 0) {
          if (++passedOver > passedOverAllowed + PASSED_OVER_PER_LOOKUP * lookedUp) {
            throw new IOException(
                "passed over "
                    + passedOver
                    + " objects no copy asks about, for "
                    + lookedUp
                    + " that it does");
          }
          head = next();
        }
      } catch (IOException | RuntimeException e) {
        // Whatever breaks the listing (a failed page, an entry a store could not read, keys out of
        // order) leaves the objects to their stats, which say it again where it matters.
        LOG.debug(
            "the destination's listing is given up, its objects are asked one by one: {}",
            e.toString());
        broken = true;
        return;
      }
      if (head != null && head.location().path().equals(key)) {
        seen.put(action.path(), new Listed(head));
      } else if (sorted) {
        seen.put(action.path(), Listed.NOTHING);
      }
      // Otherwise the key may still come, further on: it is asked about by stat.
    }

    private ObjectInfo next() {
      if (!objects.hasNext()) {
        return null;
      }
      ObjectInfo info = objects.next();
      String key = info.location().path();
      if (KeyOrder.compare(key, lastKey) < 0) {
        throw new OutOfOrder(lastKey, key);
      }
      lastKey = key;
      return info;
    }

    void close() {
      if (listing != null) {
        listing.close();
      }
    }
  }

  /** {@code root} as a prefix of its keys only: {@code export/}, not {@code export}'s siblings. */
  private static Location under(Location root) {
    return root.path().isEmpty() || root.path().endsWith("/")
        ? root
        : new Location(root.scheme(), root.authority(), root.path() + "/");
  }

  /** A listing that went back in key order, after which a missing key proves nothing. */
  private static final class OutOfOrder extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutOfOrder(String before, String after) {
      super("'" + after + "' listed after '" + before + "'");
    }
  }
}
