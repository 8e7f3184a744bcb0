"""Imported only by the server process that fresh workers are forked from
(``workers.fresh_pool``), before it forks any: its workers then start ignoring Ctrl-C,
as forked ones do, instead of raising KeyboardInterrupt in the moment before their
first line runs. The build's own process handles Ctrl-C and stops the pool."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
