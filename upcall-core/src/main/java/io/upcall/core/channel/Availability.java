package io.upcall.core.channel;

/**
 * Whether a source can work here, and exactly why not (missing privilege, kernel configuration,
 * kernel version, ...), as netty's {@code Epoll.unavailabilityCause()} does for its transport.
 *
 * @param source    the source's name ({@code proc}, ...)
 * @param available true when a probe subscription succeeded
 * @param detail    what was found: the reason it is unavailable, or notes on how it will run
 */
public record Availability(String source, boolean available, String detail) {}
