#!/usr/bin/env bash
# relay-trap.sh: a shell script told by `upcall relay` when processes are born below it.
#
# Two limits of shell traps: a trap cannot read the signal's value (the child's pid), and bash runs a
# trap once for several signals that arrive close together. A shell learns *that* processes were
# born; for each pid, use a program that calls sigwaitinfo(2), like relay-receiver.c.
#
#   sudo upcall relay serve &                          (listens on /run/upcall/relay.sock)
#   examples/relay-trap.sh
# or, on a socket of its own (in a directory only root can write: not /tmp, where anyone could squat it):
#   sudo mkdir -m 0755 /run/relay-test; sudo upcall relay serve --socket /run/relay-test/relay.sock &
#   UPCALL_RELAY_SOCKET=/run/relay-test/relay.sock examples/relay-trap.sh
set -eu
socket=${UPCALL_RELAY_SOCKET:-/run/upcall/relay.sock}
upcall=${UPCALL:-$(dirname "$0")/../bin/upcall}

# Only builtins in the trap: a command run from it would itself fork, inside the tree, and be relayed.
trap 'echo "relay: a process was born below this shell"' RTMIN+2

# Only forks below this shell (--tree $$), with a signal of our own choosing.
"$upcall" relay register --socket "$socket" --pid $$ --signal SIGRTMIN+2 --tree $$

for i in 1 2 3; do
    /bin/true          # a fork below this shell
    sleep 0.5          # another; bash runs the trap once the command it waits for is done
done
"$upcall" relay processes --socket "$socket"
"$upcall" relay unregister --socket "$socket" --pid $$
