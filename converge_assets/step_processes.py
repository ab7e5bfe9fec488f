"""Imported once by the process that a multi-process `converge run` forks its step processes
from (runner.IN_PROCESSES): the code location is built and every job resolved before the
first fork, so no step process pays for either."""

from .definitions import defs

defs.get_repository_def().get_all_jobs()
