package dev.awsoidc.sts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Session tags for AssumeRole (STS takes a web identity session's tags from the token instead).
 *
 * @param tags in the order they are sent
 * @param droppable the keys that may be dropped when STS answers PackedPolicyTooLarge
 * @param transitiveKeys keys that stay on sessions chained from this one; each is in {@code tags}
 */
public record SessionTags(SequencedMap<String, String> tags, Set<String> droppable, List<String> transitiveKeys) {
  public static final SessionTags NONE = new SessionTags(new LinkedHashMap<>(), Set.of(), List.of());

  public SessionTags {
    tags = java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tags));
    droppable = Set.copyOf(droppable);
    transitiveKeys = List.copyOf(transitiveKeys);
  }

  public boolean isEmpty() {
    return tags.isEmpty();
  }

  /** The same tags without the droppable ones (and the transitive keys that named them). */
  public SessionTags withoutDroppable() {
    SequencedMap<String, String> kept = new LinkedHashMap<>(tags);
    kept.keySet().removeAll(droppable);
    return new SessionTags(kept, Set.of(), transitiveKeys.stream().filter(kept::containsKey).toList());
  }
}
