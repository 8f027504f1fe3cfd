package dev.awsoidc.runner;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * One workflow command line, {@code ::name key=value,key=value::data}, escaped the way the runner unescapes it
 * (actions/runner {@code ActionCommand.cs}; {@code @actions/core} {@code command.ts}).
 */
public record WorkflowCommand(String name, SequencedMap<String, String> properties, String data) {

  public WorkflowCommand {
    properties = new LinkedHashMap<>(properties);
    data = data == null ? "" : data;
  }

  public static WorkflowCommand of(String name, String data) {
    return new WorkflowCommand(name, new LinkedHashMap<>(), data);
  }

  public static WorkflowCommand of(String name, Map<String, String> properties, String data) {
    return new WorkflowCommand(name, new LinkedHashMap<>(properties), data);
  }

  /** The line to print: it must start with {@code ::}, so never pass it through a logger that adds a prefix. */
  public String toLine() {
    StringBuilder line = new StringBuilder("::").append(name);
    String separator = " ";
    for (Map.Entry<String, String> property : properties.entrySet()) {
      if (property.getValue() == null || property.getValue().isEmpty()) continue;
      line.append(separator).append(property.getKey()).append('=').append(escapeProperty(property.getValue()));
      separator = ",";
    }
    return line.append("::").append(escapeData(data)).toString();
  }

  /** {@code %} first, so that the escapes added after it are not escaped again. */
  public static String escapeData(String value) {
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  public static String escapeProperty(String value) {
    return escapeData(value).replace(":", "%3A").replace(",", "%2C");
  }
}
