/**
 * The native boundary: every downcall Upcall makes into libc goes through this package, through the
 * Foreign Function &amp; Memory API. Failures carry the syscall's name and errno ({@link io.upcall.linux.LinuxException});
 * "would block" and "the kernel dropped messages" are return values, not exceptions.
 */
package io.upcall.linux;
