package io.upcall.core.event;

/** Where failures that must not stop the stream go: a subscriber that threw, a source that died. */
@FunctionalInterface
public interface ErrorHandler {

    /**
     * @param where what failed, e.g. {@code "subscriber 2"} or {@code "proc source"}
     */
    void onError(String where, Throwable error);

    /** Logs through {@link System.Logger} at WARNING: the default, since a library must not swallow failures. */
    static ErrorHandler logging() {
        System.Logger log = System.getLogger("io.upcall");
        return (where, error) -> log.log(System.Logger.Level.WARNING, "upcall: " + where + ": " + error, error);
    }
}
