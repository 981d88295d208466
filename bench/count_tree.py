#!/usr/bin/env python3
"""count_tree.py - count what an `upcall procs --json` stream delivered for one process tree.

usage: count_tree.py ROOT_PID FILE

Walks the JSON Lines in delivery order with the same rule as cnproc_count -P: the set starts
with ROOT_PID; a fork whose parent_tgid is in the set adds child_tgid; fork/exec/exit events of
tgids in the set are counted; the exit of a main thread (pid == tgid) removes its tgid (so a
reused pid is not counted). Also sums Upcall's own loss reports ("source":"upcall","type":"loss").
Prints one key=value line.
"""
import json
import sys


def main():
    root, path = int(sys.argv[1]), sys.argv[2]
    tree = {root}
    n = dict(lines=0, proc=0, bad=0, m_fork=0, m_exec=0, m_exit=0, loss_lines=0, loss_count=0, loss_null=0,
             other_upcall=0)
    with open(path, 'rb') as f:
        for raw in f:
            n['lines'] += 1
            try:
                e = json.loads(raw)
            except ValueError:
                n['bad'] += 1
                continue
            src, typ = e.get('source'), e.get('type')
            if src == 'upcall':
                if typ == 'loss':
                    n['loss_lines'] += 1
                    c = e.get('count')
                    if c is None:
                        n['loss_null'] += 1
                    else:
                        n['loss_count'] += int(c)
                else:
                    n['other_upcall'] += 1
                continue
            if src != 'proc':
                continue
            n['proc'] += 1
            if typ == 'fork':
                if e['parent_tgid'] in tree:
                    tree.add(e['child_tgid'])
                    n['m_fork'] += 1
            elif typ == 'exec':
                if e['tgid'] in tree:
                    n['m_exec'] += 1
            elif typ == 'exit':
                t = e['tgid']
                if t in tree:
                    n['m_exit'] += 1
                    if e['pid'] == t:
                        tree.discard(t)
    n['matched'] = n['m_fork'] + n['m_exec'] + n['m_exit']
    print(' '.join(f'{k}={v}' for k, v in n.items()))


if __name__ == '__main__':
    main()
