package dev.awsoidc.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.awsoidc.sts.SessionTags;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The session tags the reference action sends with AssumeRole: seven from the run that are always sent, six
 * that may be dropped when STS finds the tags too large, and the user's {@code custom-tags}.
 */
final class SessionTagRules {
  /** STS's tag character class; anything else in a value taken from the run becomes {@code _}. */
  private static final Pattern NOT_TAG_CHARACTER = Pattern.compile("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]");
  private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  static final int MAX_TAGS = 50;
  static final int MAX_KEY = 128;
  static final int MAX_VALUE = 256;

  private static final Map<String, String> FIXED = orderedMap(
      "Repository", "GITHUB_REPOSITORY", "Workflow", "GITHUB_WORKFLOW", "Action", "GITHUB_ACTION",
      "Actor", "GITHUB_ACTOR", "Commit", "GITHUB_SHA", "Branch", "GITHUB_REF");
  private static final Map<String, String> DROPPABLE = orderedMap(
      "EventName", "GITHUB_EVENT_NAME", "BaseRef", "GITHUB_BASE_REF", "HeadRef", "GITHUB_HEAD_REF",
      "RunId", "GITHUB_RUN_ID", "Job", "GITHUB_JOB", "TriggeringActor", "GITHUB_TRIGGERING_ACTOR");
  private static final JsonFactory JSON = new JsonFactory();

  private SessionTagRules() {}

  /**
   * @param problem receives (what is wrong, the fix) for {@code custom-tags} or {@code transitive-tag-keys}
   */
  static SessionTags build(Map<String, String> environment, String customTagsJson, List<String> transitiveKeys,
      BiConsumer<ActionInput, String[]> problem) {
    SequencedMap<String, String> tags = new LinkedHashMap<>();
    tags.put("GitHub", "Actions");
    FIXED.forEach((key, variable) -> fromRun(environment, variable).ifPresent(v -> tags.put(key, v)));
    Set<String> droppable = new LinkedHashSet<>();
    DROPPABLE.forEach((key, variable) -> fromRun(environment, variable).ifPresent(v -> {
      tags.put(key, v);
      droppable.add(key);
    }));
    if (customTagsJson != null) {
      SequencedMap<String, String> custom = parseCustom(customTagsJson, problem);
      int defaults = tags.size();
      for (var entry : custom.entrySet()) {
        if (tags.containsKey(entry.getKey()) || isProtected(entry.getKey())) {
          problem.accept(ActionInput.CUSTOM_TAGS, new String[] {"the key '" + entry.getKey()
              + "' is one of the action's own session tags",
              "Choose another key; GitHub, Repository, Workflow, Action, Actor, Commit, Branch, EventName, BaseRef, "
                  + "HeadRef, RunId, Job and TriggeringActor are set from the run"});
        } else {
          tags.put(entry.getKey(), entry.getValue());
        }
      }
      if (defaults + custom.size() > MAX_TAGS) {
        problem.accept(ActionInput.CUSTOM_TAGS, new String[] {custom.size() + " custom tags and " + defaults
            + " tags from the run make " + (defaults + custom.size()) + "; STS accepts at most " + MAX_TAGS,
            "Give at most " + (MAX_TAGS - defaults) + " custom tags, or set role-skip-session-tagging: true"});
      }
    }
    List<String> transitive = new ArrayList<>();
    for (String key : transitiveKeys) {
      if (tags.containsKey(key)) transitive.add(key);
      else problem.accept(ActionInput.TRANSITIVE_TAG_KEYS, new String[] {"'" + key + "' is not a tag of this session",
          "List only keys of the session's tags (" + String.join(", ", tags.keySet()) + ")"});
    }
    return new SessionTags(tags, droppable, transitive);
  }

  private static boolean isProtected(String key) {
    return key.equals("GitHub") || FIXED.containsKey(key) || DROPPABLE.containsKey(key);
  }

  private static java.util.Optional<String> fromRun(Map<String, String> environment, String variable) {
    String value = environment.get(variable);
    if (value == null || value.isEmpty()) return java.util.Optional.empty();
    String clean = NOT_TAG_CHARACTER.matcher(value).replaceAll("_");
    return java.util.Optional.of(clean.length() > MAX_VALUE ? clean.substring(0, MAX_VALUE) : clean);
  }

  /** A JSON object of string, number or boolean values; keys and values in STS's limits. */
  private static SequencedMap<String, String> parseCustom(String json, BiConsumer<ActionInput, String[]> problem) {
    SequencedMap<String, String> tags = new LinkedHashMap<>();
    String fix = "Give a JSON object of strings, e.g. {\"Team\": \"payments\", \"CostCenter\": \"1234\"}";
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        problem.accept(ActionInput.CUSTOM_TAGS, new String[] {"it is not a JSON object", fix});
        return tags;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken token = parser.nextToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY || token == JsonToken.VALUE_NULL) {
          problem.accept(ActionInput.CUSTOM_TAGS, new String[] {"the value of '" + key
              + "' is not a string, number or boolean", fix});
          parser.skipChildren();
          continue;
        }
        String value = parser.getText();
        if (key.isEmpty() || key.length() > MAX_KEY || !TAG_TEXT.matcher(key).matches()) {
          problem.accept(ActionInput.CUSTOM_TAGS, new String[] {"the key '" + key + "' is not a valid tag key",
              "Use 1 to 128 letters, digits, spaces and _ . : / = + - @"});
        } else if (value.length() > MAX_VALUE || !TAG_TEXT.matcher(value).matches()) {
          problem.accept(ActionInput.CUSTOM_TAGS, new String[] {"the value of '" + key + "' is not a valid tag value",
              "Use up to 256 letters, digits, spaces and _ . : / = + - @"});
        } else {
          tags.put(key, value);
        }
      }
      if (parser.nextToken() != null) {
        problem.accept(ActionInput.CUSTOM_TAGS, new String[] {"there is text after the closing }", fix});
      }
    } catch (IOException e) {
      problem.accept(ActionInput.CUSTOM_TAGS, new String[] {"it is not valid JSON ("
          + (e.getMessage() == null ? "parse error" : e.getMessage().lines().findFirst().orElse("")) + ")", fix});
    }
    return tags;
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put(keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }
}
