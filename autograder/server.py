"""A warm grading process: imports numpy, torch and pytest once, then grades job after job.

``python -m autograder.server IN_FD OUT_FD`` reads jobs and writes results as wire frames (plain
data). Student code never runs here (it runs in the sandbox this process starts per submission),
so this process is trusted; it still runs in the main thread so that per-test time limits
(SIGALRM) work. The same server backs ``grade-one``, the local pool and Dask workers.
"""
from __future__ import annotations

import os
import sys


def serve(in_fd: int, out_fd: int) -> None:
    from .job import GradingJob
    from .sandbox import wire
    from .worker import serve as grade_jobs, warm_up

    def jobs():
        while True:
            try:
                yield GradingJob.from_dict(wire.read_frame(in_fd))
            except EOFError:
                return

    warm_up()
    wire.write_frame(out_fd, {"ready": True})
    grade_jobs(jobs(), lambda result: wire.write_frame(out_fd, result.to_dict()))


def main() -> None:
    in_fd, out_fd = int(sys.argv[1]), int(sys.argv[2])
    # pytest's and the graders' chatter goes nowhere; results only travel on out_fd.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    serve(in_fd, out_fd)
    os._exit(0)


if __name__ == "__main__":
    main()
