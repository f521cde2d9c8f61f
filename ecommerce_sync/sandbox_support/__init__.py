"""What every platform sandbox is built from: pure Python, standard library only.

A connector addon's ``sandbox/`` package is a local server speaking its
platform's API subset, for the tests and the demo. The parts that do not
depend on the platform live here:

* :mod:`.server`: the threaded HTTP server, its start and stop, and running
  it as a process until it is told to stop;
* :mod:`.faults`: the fault knobs (latency, a share of 5xx, 5xx bursts, 429
  storms, records served malformed);
* :mod:`.webhooks`: posting a signed delivery to a subscriber;
* :mod:`.merchant`: the Odoo set-up steps every sandbox store shares
  (Odoo imports inside its functions only).
"""

from .faults import Faults
from .server import HttpAnswer, HttpRequest, SandboxHttpServer
from .webhooks import post

__all__ = ["Faults", "HttpAnswer", "HttpRequest", "SandboxHttpServer", "post"]
