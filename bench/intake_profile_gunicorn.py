"""gunicorn settings used by bench/intake_profile.py: cProfile each worker from fork to a graceful exit.

    gunicorn -c bench/intake_profile_gunicorn.py -w 1 intake.wsgi:app

The stats go to $INTAKE_PROFILE_OUT.<worker pid> when the worker exits after SIGTERM.
Only for profiling; the load benchmark runs gunicorn without it.
"""

import cProfile
import os

_profiler = cProfile.Profile()


def post_fork(server, worker):
    _profiler.enable()


def worker_exit(server, worker):
    _profiler.disable()
    _profiler.dump_stats(f"{os.environ['INTAKE_PROFILE_OUT']}.{os.getpid()}")
