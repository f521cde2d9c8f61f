"""Console output of the harness."""

import sys

BANNER = "=" * 78


def step(message):
    print(f"==> {message}", flush=True)


def info(message):
    print(f"    {message}", flush=True)


def warn(message):
    print(f"!!! {message}", file=sys.stderr, flush=True)


def loud(lines):
    """A framed message nobody can miss."""
    print(BANNER, flush=True)
    for line in lines:
        print(f"!!! {line}", flush=True)
    print(BANNER, flush=True)
