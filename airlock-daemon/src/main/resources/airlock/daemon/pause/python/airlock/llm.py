"""Pause this run for the agent's reasoning, and go on with its answer.

    from airlock import llm
    answer = llm.complete("Summarise these totals: ...")

The run pauses; the agent that started it sees the prompt (with every secret of the run
replaced by a marker, as in the run's output) and answers; ``complete`` returns that answer as
text. The answer is the agent's text: treat it as untrusted input.

Raises ``PauseTimeout`` when nobody answered within the profile's ``[pause] timeout_s`` (the
run goes on; catch it to carry on without an answer) and ``PauseError`` when the run cannot
pause (too many paused runs, a prompt too long, the run is being stopped).
"""
import os
import socket
import sys

__all__ = ["complete", "PauseError", "PauseTimeout"]

_MAGIC = b"AIRLOCK-PAUSE 1\n"


class PauseError(Exception):
    """The run could not pause, or its pause ended without an answer; the message says why."""


class PauseTimeout(PauseError):
    """Nobody answered within the profile's [pause] timeout_s; the run goes on without an answer."""


def complete(prompt):
    """Pause the run with ``prompt`` (text) and return the agent's answer (text)."""
    path = os.environ.get("AIRLOCK_PAUSE_SOCKET")
    token = os.environ.get("AIRLOCK_PAUSE_TOKEN")
    if not path or not token:
        raise PauseError("airlock: this run cannot pause: llm.complete works in a sandboxed run that airlock"
                         " started (python3 through the shim or the API), without a post-exec hook")
    data = prompt.encode("utf-8") if isinstance(prompt, str) else bytes(prompt)
    # what the script printed so far reaches the agent before the prompt does
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(path)
            s.sendall(_MAGIC + token.encode("ascii") + b"\n" + str(len(data)).encode("ascii") + b"\n" + data)
            reply = s.makefile("rb")
            head = reply.readline(64).decode("ascii", "replace").strip()
            kind, _, size = head.partition(" ")
            body = reply.read(int(size)) if size.isdigit() else b""
        except (OSError, ValueError) as e:
            raise PauseError("airlock: the run's pause channel broke: %s" % e) from None
    text = body.decode("utf-8", "replace")
    if kind == "ok":
        return text
    if kind == "timeout":
        raise PauseTimeout(text)
    raise PauseError(text or "airlock: the pause ended without an answer")
