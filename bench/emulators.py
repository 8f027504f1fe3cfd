"""What bench/measure.py and bench/load.py share: how they start the action, and how they read an emulator's env file."""

# The image's ENTRYPOINT names the main class (-cp, not -jar: the launcher would open the jar once more).
MAIN = "dev.awsoidc.cli.Main"


def read_env(path):
    """The NAME=value lines LocalAws prints once it is up (endpoints, role ARN, trust store, ...)."""
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                env[key] = value
    return env
