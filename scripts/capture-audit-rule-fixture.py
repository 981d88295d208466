#!/usr/bin/env python3
"""Captures the golden fixture of the audit rule codec (AuditRuleGoldenTest): for each rule of RULES, adds it with
auditctl, reads back the kernel's AUDIT_LIST_RULES reply for it (raw struct audit_rule_data) and auditctl -l's line,
deletes it again, and writes one line per rule: source TAB listed TAB hex(struct).
Run as root. Other rules in the kernel do not matter: a rule's listing is what appeared when it was added.
Usage: sudo scripts/capture-audit-rule-fixture.py > upcall-protocol/src/test/resources/io/upcall/protocol/audit/rules/listed.tsv
"""
import os, shlex, socket, struct, subprocess, sys, tempfile

KEY = 'upcall-fixture'
DIR = '/tmp/upcall-fixture-dir'
FILE = '/tmp/upcall-fixture-file'
RULES = [
    f'-a always,exit -F arch=b64 -S chroot -k {KEY}',
    f'-a always,exit -F arch=b64 -S openat,open,creat -F exit=-EACCES -k {KEY}',
    f'-a always,exit -F arch=b32 -S open -S chmod -F success=0 -k {KEY}',
    f'-a never,exit -F arch=b64 -S all -F pid=1 -k {KEY}',
    f'-A always,exit -F arch=b64 -S execve -F auid>=1000 -F auid!=unset -k {KEY} -k second',
    f'-a always,exit -F arch=b64 -S execve -F uid<5 -F euid>5 -F suid<=7 -F fsuid>=8 -k {KEY}',
    f'-a always,exit -F arch=b64 -S execve -F gid!=1 -F egid>=0 -F sgid<7 -F fsgid=2 -F obj_gid<=9 -k {KEY}',
    f'-a always,exit -F arch=b64 -S ioctl -F a0=0x10 -F a1!=22 -F a2>=0x1000 -F a3&0xff -k {KEY}',
    f'-a always,exit -F arch=b64 -S chmod -F a0>0x7fffffff -F a1=-1 -F a2<=010 -F a3&=0 -k {KEY}',
    f'-a always,exit -F path={FILE} -F perm=wa -k {KEY}',
    f'-a always,exit -F dir={DIR} -F perm=r -k {KEY}',
    f'-a always,exit -F arch=b64 -S all -F exe=/usr/bin/true -k {KEY}',
    f'-a always,exit -F arch=b64 -S execve -F exe=/usr/bin/true -F auid=0 -k {KEY}',
    '-a always,exclude -F msgtype=USER_LOGIN -F auid=4242',
    '-a never,exclude -F msgtype=1401',
    '-a always,user -F uid=4243 -F msgtype=1100',
    '-a never,user -F msgtype>=2100 -F msgtype<=2199',
    '-a always,task -F uid=4244',
    f'-w {FILE} -p wa -k {KEY}',
    f'-w {DIR}/ -p rwxa -k {KEY} -k other',
    f'-w {FILE} -k {KEY}',
    f'-w {DIR} -p x',
    f'-a always,exit -F arch=b64 -S unlink -F filetype=file -F inode=1234 -F devmajor=8 -F devminor=1 -k {KEY}',
    f'-a always,exit -F arch=b64 -S kill -F sessionid=3 -F obj_uid=0 -F obj_gid=0 -F ppid!=1 -F loginuid=0 -k {KEY}',
    f'-a always,exit -F arch=b64 -S open -C uid!=euid -C auid=obj_uid -C gid=sgid -k {KEY}',
    f'-a always,exit -F arch=b64 -S 90,91 -F uid=root -F gid=root -k {KEY}',
    f'-a always,exit -S chroot -k {KEY}',
    f'-a always,exit -F arch=b64 -S all -F key={KEY}',
    f'-a always,exit -F arch=b64 -S 452 -k {KEY}',
    f'-a always,exit -F arch=b64 -S all -F exit=-2 -F success!=1 -k {KEY}',
    f'-a always,exit -F arch=b64 -S open -F exit>=-13 -F exit<0 -F exit!=5 -k {KEY}',
    f'-a always,exit -F arch=b64 -S open -F pers=0x8 -F saddr_fam=2 -k {KEY}',
    f'-a always,exit -F arch=b64 -S openat2 -F filetype!=dir -k {KEY}',
    f'-a always,exit -F arch=b64 -S open -F path={FILE} -F key={KEY} -F key=x',
    f'-a always,exit -F arch=b64 -S all -F perm=x -F auid>=1000 -k {KEY}',
    f'-a always,filesystem -F fstype=tracefs -F key={KEY}',
    f'-a always,exit -F arch=b32 -S execve,socketcall -F a0=3 -k {KEY}',
    f'-a exit,never -F arch=b64 -S read,write,close -F pid=4245 -k {KEY}',
    f'-a always,exit -F arch=b64 -S open -F inode=4294967295 -F devmajor>=0x10 -k {KEY}',
]


def list_rules():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    s.bind((0, 0))
    s.send(struct.pack('=IHHII', 16, 1013, 1 | 4, 1, 0))
    out = []
    while True:
        d, (pid, _) = s.recvfrom(1 << 16)
        if pid != 0:
            continue
        o = 0
        while o + 16 <= len(d):
            ln, t, _, _, _ = struct.unpack_from('=IHHII', d, o)
            if t == 3:
                return out
            if t == 2 and struct.unpack_from('=i', d, o + 16)[0]:
                raise SystemExit('AUDIT_LIST_RULES refused')
            if t == 1013:
                out.append(d[o + 16:o + ln])
            o += (ln + 3) & ~3


def main():
    os.makedirs(DIR, exist_ok=True)
    open(FILE, 'a').close()
    for rule in RULES:
        before_bytes = list_rules()
        before_lines = subprocess.run(['auditctl', '-l'], capture_output=True, text=True).stdout.splitlines()
        r = subprocess.run(['auditctl'] + shlex.split(rule), capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(f'auditctl refused {rule}: {r.stderr}')
            continue
        try:
            new_bytes = [b for b in list_rules() if b not in before_bytes]
            new_lines = [l for l in subprocess.run(['auditctl', '-l'], capture_output=True, text=True).stdout
                         .splitlines() if l not in before_lines]
        finally:
            words = shlex.split(rule)
            words[0] = {'-a': '-d', '-A': '-d', '-w': '-W'}[words[0]]
            subprocess.run(['auditctl'] + words, capture_output=True, text=True)
        if len(new_bytes) != 1 or len(new_lines) != 1:
            sys.stderr.write(f'{rule}: {len(new_bytes)} new structs and {len(new_lines)} new lines; skipped\n')
            continue
        print(rule + '\t' + new_lines[0] + '\t' + new_bytes[0].hex())


main()
