package io.upcall.linux;

/**
 * Who a process is, as the kernel records it for a socket: the sender of a message ({@code SCM_CREDENTIALS}) or the
 * peer of a Unix connection ({@code SO_PEERCRED}, the ids it had when it connected). The effective ids.
 *
 * <pre>{@code
 * struct ucred { pid_t pid; uid_t uid; gid_t gid; };   // 12 bytes
 * }</pre>
 */
public record Ucred(int pid, int uid, int gid) {}
