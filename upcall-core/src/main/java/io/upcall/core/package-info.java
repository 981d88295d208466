/**
 * Upcall's public API: {@link io.upcall.core.Upcall} starts sources and delivers one stream of
 * {@link io.upcall.core.event.Event}s to {@link io.upcall.core.event.Subscriber}s; {@link io.upcall.core.JsonEventWriter}
 * writes them as JSON Lines. Everything else here is package-private.
 */
package io.upcall.core;
