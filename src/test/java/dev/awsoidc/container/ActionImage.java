package dev.awsoidc.container;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The action's image, the Dockerfile's default (last) stage, built once per test run for every test class that
 * uses it and removed when the run ends: the image build is by far the slowest step of the suite. A class uses it
 * with {@code @ExtendWith(ActionImage.class)} and an {@link Built} parameter on a {@code @BeforeAll} method. The
 * class is skipped with {@code -DskipContainerTests=true} or when no container engine is reachable.
 */
final class ActionImage implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ActionImage.class);

  /** The built image by name; closed (removed) by JUnit when the whole test run ends. */
  record Built(String name) implements AutoCloseable {
    @Override
    public void close() {
      DockerClientFactory.instance().client().removeImageCmd(name).withForce(true).exec();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    assumeFalse(Boolean.getBoolean("skipContainerTests"), "skipContainerTests=true");
    assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no container engine reachable");
    built(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Built.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return built(context);
  }

  private static Built built(ExtensionContext context) {
    // the root context's store: shared by all test classes, closed after the last one
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Built.class, key -> build(), Built.class);
  }

  private static Built build() {
    String name = "localhost/aws-oidc-credentials-test:" + UUID.randomUUID().toString().substring(0, 8);
    // false: not deleted on JVM exit by Testcontainers (Ryuk is off); Built.close removes it instead.
    new ImageFromDockerfile(name, false).withDockerfile(Path.of("Dockerfile").toAbsolutePath()).get();
    return new Built(name);
  }
}
