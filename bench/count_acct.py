#!/usr/bin/env python3
"""count_acct.py - count what an `upcall acct --json` stream delivered for one forkstorm storm.

usage: count_acct.py STORM_PID FILE

Matches the same records as taskstats_count -P: the storm's own record (pid == STORM_PID), its
workers' (ppid == STORM_PID) and their children's (ppid is a worker). The workers are learned
from the whole file first (a worker's record comes after its children's), so the count is exact.
Also sums Upcall's own loss reports ("source":"upcall","type":"loss"; count null = unknown).
Only the first fields of a record are read (a regex, not a JSON parse: the files are large).
Prints one key=value line.
"""
import json
import re
import sys

HEAD = re.compile(rb'"source":"acct","type":"(\w+)","pid":(\d+),"tgid":(?:\d+|null),"ppid":(\d+|null)')


def main():
    storm, path = int(sys.argv[1]), sys.argv[2]
    n = dict(lines=0, acct=0, thread_exit=0, other_acct=0, loss_lines=0, loss_count=0, loss_null=0,
             malformed=0, other_upcall=0, bad=0)
    pairs = []
    with open(path, 'rb') as f:
        for raw in f:
            n['lines'] += 1
            m = HEAD.search(raw, 0, 200)
            if m:
                typ = m.group(1)
                if typ == b'exit':
                    n['acct'] += 1
                    ppid = m.group(3)
                    pairs.append((int(m.group(2)), int(ppid) if ppid != b'null' else -1))
                elif typ == b'thread_exit':
                    n['thread_exit'] += 1
                else:
                    n['other_acct'] += 1
                continue
            try:
                e = json.loads(raw)
            except ValueError:
                n['bad'] += 1
                continue
            if e.get('source') == 'upcall':
                typ = e.get('type')
                if typ == 'loss':
                    n['loss_lines'] += 1
                    c = e.get('count')
                    if c is None:
                        n['loss_null'] += 1
                    else:
                        n['loss_count'] += int(c)
                elif typ == 'malformed':
                    n['malformed'] += 1
                else:
                    n['other_upcall'] += 1
            else:
                n['bad'] += 1
    workers = {pid for pid, ppid in pairs if ppid == storm}
    n['matched'] = sum(1 for pid, ppid in pairs if pid == storm or ppid == storm or ppid in workers)
    n['workers'] = len(workers)
    print(' '.join(f'{k}={v}' for k, v in n.items()))


if __name__ == '__main__':
    main()
