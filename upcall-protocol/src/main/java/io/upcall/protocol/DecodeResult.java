package io.upcall.protocol;

/**
 * What a decoder made of some bytes: a value, a message it deliberately passed over, or input it
 * could not make sense of (with the kind of fault and where it was), never an exception.
 *
 * @param <T> the decoded type
 */
public sealed interface DecodeResult<T> {

    /** The bytes decoded into {@code value}. */
    record Decoded<T>(T value) implements DecodeResult<T> {}

    /** A well-formed message this decoder does not turn into a value (another subsystem's, an unknown type). */
    record Skipped<T>(String reason) implements DecodeResult<T> {}

    /**
     * Bytes that break the format.
     *
     * @param kind   a short stable name for the fault, used as a counter key (e.g. {@code "short_header"})
     * @param offset the byte offset, from the start of the datagram, where decoding gave up
     * @param detail a sentence for humans
     */
    record Malformed<T>(String kind, long offset, String detail) implements DecodeResult<T> {}

    static <T> DecodeResult<T> decoded(T value) {
        return new Decoded<>(value);
    }

    static <T> DecodeResult<T> skipped(String reason) {
        return new Skipped<>(reason);
    }

    static <T> DecodeResult<T> malformed(String kind, long offset, String detail) {
        return new Malformed<>(kind, offset, detail);
    }
}
