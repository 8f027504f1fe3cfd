package dev.awsoidc.config;

import java.util.List;

/** All the problems found in the inputs, reported together so one run shows every fix to make. */
public final class InvalidInputsException extends Exception {
  private final List<InputProblem> problems;

  public InvalidInputsException(List<InputProblem> problems) {
    super(problems.size() + " invalid input(s): "
        + String.join("; ", problems.stream().map(InputProblem::message).toList()));
    this.problems = List.copyOf(problems);
  }

  public List<InputProblem> problems() {
    return problems;
  }
}
