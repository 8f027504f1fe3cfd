package dev.awsoidc.config;

/**
 * One bad input: which one, what is wrong with it, and what to write instead.
 *
 * @param name an input name ({@code role-to-assume}), or an environment variable's when {@code variable}
 */
public record InputProblem(String name, boolean variable, String problem, String fix) {

  public static InputProblem input(String name, String problem, String fix) {
    return new InputProblem(name, false, problem, fix);
  }

  public static InputProblem variable(String name, String problem, String fix) {
    return new InputProblem(name, true, problem, fix);
  }

  public String message() {
    return (variable ? "Variable " + name : "Input '" + name + "'") + ": " + problem + ". " + fix + ".";
  }
}
