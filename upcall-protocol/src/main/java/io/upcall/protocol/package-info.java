/**
 * Pure decoders and encoders for the kernel's message formats. Nothing here does I/O, starts a
 * thread or reads a clock; decoders never throw on kernel bytes but return a {@link io.upcall.protocol.DecodeResult}.
 */
package io.upcall.protocol;
