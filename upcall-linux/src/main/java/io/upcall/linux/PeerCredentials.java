package io.upcall.linux;

/**
 * Who is at the other end of a Unix socket, as the kernel recorded it when that process connected
 * ({@code SO_PEERCRED}: {@code struct ucred { pid_t pid; uid_t uid; gid_t gid; }}, the effective ids).
 */
public record PeerCredentials(int pid, int uid, int gid) {}
