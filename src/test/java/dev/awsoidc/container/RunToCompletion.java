package dev.awsoidc.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerStatus;

/**
 * A one-shot container is "started" once it has exited, whatever its exit code: unlike
 * {@code OneShotStartupCheckStrategy}, a failing run is a result to assert on, not a launch failure (which
 * would also remove the container and its logs).
 */
final class RunToCompletion extends StartupCheckStrategy {
  @Override
  public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
    InspectContainerResponse.ContainerState state = getCurrentState(dockerClient, containerId);
    return DockerStatus.isContainerStopped(state) ? StartupStatus.SUCCESSFUL : StartupStatus.NOT_YET_KNOWN;
  }
}
