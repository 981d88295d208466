#!/bin/bash
# capture_audit_seed.sh - captures a real RAW auditd log of varied records here, the seed that
# run_audit_parse.sh repeats into a large log (bench/data/audit-seed.log.gz).
#
# A python listener joins the read-only multicast group (AUDIT_NLGRP_READLOG: it takes no daemon role,
# so it coexists with auditd and other tests) and writes each record as auditd's RAW format does:
# `type=NAME msg=audit(SEC.MSEC:SERIAL): ...` (names from libaudit, UNKNOWN[N] otherwise). While it
# listens, a workload whose children are audited by rules with this run's key does, ITER times:
#   - execve: /bin/echo with arguments that the kernel hex-encodes (space, non-ASCII), one over
#     7,500 bytes (split into aN_len + aN[i]) and one with 250 arguments (several EXECVE records),
#     /bin/true, sh -c;
#   - connect() to an AF_UNIX path, 127.0.0.1 and ::1 (SOCKADDR records), from python;
#   - user-space messages sent as root (USER_LOGIN, USER_START, USER_END, USER_CMD, USER_AUTH, USER);
#   - creat, chmod 4755, rename and unlink of files with spaces in their names in a watched temp dir
#     (PATH records with hex names), and one chroot.
# Rules: `-a always,exit -F arch=b64 -S execve,connect,chroot,fchmodat,chmod -F ppid=<workload> -k KEY`
# and `-w TMPDIR -p wa -k KEY`. Only those rules are deleted at exit (also on failure and signals); the
# enabled flag and backlog_limit are restored. Records of other processes caught by other rules (other
# tests) are written as well: they are real records too.
#
# usage: capture_audit_seed.sh [-n iterations] [-o out.log]   (default 40, bench/data/audit-seed.log.gz;
#                                                         a name ending in .gz is gzipped)
# Needs root, auditctl (auditd package), python3, libaudit.so.1.
set -uo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ITER=40 OUT=$ROOT/bench/data/audit-seed.log.gz
while getopts "n:o:" o; do
	case $o in
	n) ITER=$OPTARG ;; o) OUT=$OPTARG ;;
	*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "capture_audit_seed.sh: needs root" >&2; exit 1; }
command -v auditctl > /dev/null || { echo "capture_audit_seed.sh: needs auditctl (apt-get install auditd)" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/capture_audit.XXXXXX")
KEY=upcall-bench-$$
st() { auditctl -s | awk -v k="$1" '$1 == k {print $2}'; }
EN0=$(st enabled) BL0=$(st backlog_limit)
RULES=() LISTENER="" WORKLOAD=""
cleanup() {
	local r p
	for p in $WORKLOAD $LISTENER; do
		if kill -0 "$p" 2> /dev/null; then kill -TERM "$p" 2> /dev/null; wait "$p" 2> /dev/null; fi
	done
	for r in "${RULES[@]}"; do
		# shellcheck disable=SC2086
		case $r in -a*) auditctl ${r/#-a/-d} > /dev/null 2>&1 ;; -w*) auditctl ${r/#-w/-W} > /dev/null 2>&1 ;; esac
	done
	auditctl -b "$BL0" > /dev/null
	auditctl -e "$EN0" > /dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The listener: multicast group 1, RAW lines, at most 300 s.
cat > "$W/listen.py" << 'EOF'
import ctypes, os, select, signal, socket, struct, sys, time
lib = ctypes.CDLL("libaudit.so.1")
lib.audit_msg_type_to_name.restype = ctypes.c_char_p
names = {}
def name(t):
    if t not in names:
        n = lib.audit_msg_type_to_name(t)
        names[t] = n.decode() if n else "UNKNOWN[%d]" % t
    return names[t]
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
s.bind((0, 1))                                  # AUDIT_NLGRP_READLOG
out = open(sys.argv[1], "w", encoding="utf-8", errors="surrogateescape")
open(sys.argv[2], "w").close()                  # ready
deadline = time.monotonic() + 300
while not stop and time.monotonic() < deadline:
    if not select.select([s], [], [], 0.2)[0]:
        continue
    data, (pid, _) = s.recvfrom(1 << 17)
    if pid != 0:
        continue                                # only the kernel
    at = 0
    while at + 16 <= len(data):
        ln, typ = struct.unpack_from("=IH", data, at)
        if ln < 16 or at + ln > len(data):
            break
        text = data[at + 16:at + ln].rstrip(b"\0").decode("utf-8", "surrogateescape")
        out.write("type=%s msg=%s\n" % (name(typ), text))
        at += (ln + 3) & ~3
out.close()
EOF

# The workload's python part: connect() three ways and six user messages (AUDIT_USER_* to the kernel).
cat > "$W/net_user.py" << 'EOF'
import os, socket, struct, sys
d, i = sys.argv[1], int(sys.argv[2])
for fam, addr in ((socket.AF_UNIX, os.path.join(d, "sock %d" % i)), (socket.AF_INET, ("127.0.0.1", 9 + i)),
                  (socket.AF_INET6, ("::1", 2000 + i))):
    c = socket.socket(fam, socket.SOCK_STREAM)
    try:
        c.connect(addr)
    except OSError:
        pass
    c.close()
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
n.bind((0, 0))
exe = "/usr/sbin/sshd"
msgs = ((1100, 'op=PAM:authentication grantors=pam_unix acct="user%d" exe="%s" hostname=host%d.example addr=192.0.2.%d terminal=ssh res=success' % (i, exe, i, i % 250)),
        (1112, 'op=login id=%d exe="%s" hostname=host%d.example addr=192.0.2.%d terminal=/dev/pts/%d res=success' % (1000 + i, exe, i, i % 250, i % 8)),
        (1105, 'op=PAM:session_open grantors=pam_unix acct="user%d" exe="%s" hostname=? addr=? terminal=/dev/pts/%d res=success' % (i, exe, i % 8)),
        (1123, 'cwd="/home/user%d" cmd=6C73202D6C61202F746D70 exe="/usr/bin/sudo" terminal=pts/%d res=success' % (i, i % 8)),
        (1106, 'op=PAM:session_close grantors=pam_unix acct="user%d" exe="%s" hostname=? addr=? terminal=/dev/pts/%d res=success' % (i, exe, i % 8)),
        (1005, 'bench message %d, free text' % i))
for seq, (t, text) in enumerate(msgs):
    body = text.encode() + b"\0"
    n.send(struct.pack("=IHHII", 16 + len(body), t, 0x5, seq + 1, 0) + body)  # NLM_F_REQUEST|NLM_F_ACK
    n.recv(4096)
EOF

cat > "$W/workload.sh" << 'EOF'
#!/bin/bash
d=$1 iter=$2
for ((j = 0; j < 100; j++)); do [ -e "$d/go" ] && break; sleep 0.1; done
long=$(head -c 10000 /dev/zero | tr '\0' 'x')
many=$(seq 1 250)
for ((i = 0; i < iter; i++)); do
	/bin/echo "arg with space $i" héllo plain > /dev/null
	/bin/true
	/bin/sh -c ":"
	if ((i % 8 == 0)); then /bin/echo "$long" > /dev/null; fi
	if ((i % 8 == 4)); then /bin/echo $many > /dev/null; fi
	/usr/bin/python3 "$d/net_user.py" "$d/w" "$i"
	: > "$d/w/file with space $i"
	chmod 4755 "$d/w/file with space $i"
	mv "$d/w/file with space $i" "$d/w/f$i"
	rm -f "$d/w/f$i"
	if ((i % 10 == 0)); then chroot "$d/w" /nonexistent 2> /dev/null; fi
done
EOF
mkdir -p "$W/w"

/usr/bin/python3 "$W/listen.py" "$W/capture.log" "$W/ready" &
LISTENER=$!
for ((i = 0; i < 100; i++)); do [ -e "$W/ready" ] && break; sleep 0.1; done
[ -e "$W/ready" ] || { echo "capture_audit_seed.sh: the listener did not start" >&2; exit 1; }
bash "$W/workload.sh" "$W" "$ITER" &
WORKLOAD=$!
auditctl -e 1 > /dev/null
auditctl -b 8192 > /dev/null
RULES=("-a always,exit -F arch=b64 -S execve,connect,chroot,fchmodat,chmod -F ppid=$WORKLOAD -k $KEY" "-w $W/w -p wa -k $KEY")
for r in "${RULES[@]}"; do
	# shellcheck disable=SC2086
	auditctl $r > /dev/null || exit 1
done
: > "$W/go"
# bounded: the workload takes about 0.3 s per iteration here
for ((i = 0; i < ITER * 20 + 100; i++)); do kill -0 "$WORKLOAD" 2> /dev/null || break; sleep 0.1; done
wait "$WORKLOAD"
WORKLOAD=""
sleep 1
kill -TERM "$LISTENER"; wait "$LISTENER"; LISTENER=""
mkdir -p "$(dirname "$OUT")"
# The last events may still lack records (the listener stopped): keep whole serials only up to the last EOE.
last_eoe=$(grep -n '^type=EOE ' "$W/capture.log" | tail -1 | cut -d: -f1)
head -n "${last_eoe:-0}" "$W/capture.log" > "$W/seed.log"
case $OUT in *.gz) gzip -9 -n -c "$W/seed.log" > "$OUT" ;; *) cp "$W/seed.log" "$OUT" ;; esac
echo "capture_audit_seed.sh: $(wc -l < "$W/seed.log") lines into $OUT; types:"
sed 's/^type=\([^ ]*\) .*/\1/' "$W/seed.log" | sort | uniq -c | sort -rn
