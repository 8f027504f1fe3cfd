package dev.awsoidc.diagnosis;

import java.util.List;

/**
 * What went wrong, in the user's terms: a short title for the annotation, one paragraph that says what happened
 * and what to change, and optional detail lines (claims, a trust-policy snippet) for the log and the summary.
 *
 * @param retryable whether the cause was transient (the retries ran out), for the summary
 */
public record Diagnosis(String title, String message, List<String> details, boolean retryable) {

  public Diagnosis {
    details = List.copyOf(details);
  }

  public static Diagnosis of(String title, String message) {
    return new Diagnosis(title, message, List.of(), false);
  }

  public Diagnosis withDetails(List<String> lines) {
    return new Diagnosis(title, message, lines, retryable);
  }

  public Diagnosis transientCause() {
    return new Diagnosis(title, message, details, true);
  }
}
