"""Production: DEBUG is always off, so base.py enforces the secret key, hosts and TLS settings."""

import os

os.environ["DJANGO_DEBUG"] = "false"

from grc.settings.base import *  # noqa: F403
