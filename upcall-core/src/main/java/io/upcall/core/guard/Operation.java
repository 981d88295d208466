package io.upcall.core.guard;

/** What the opener is doing, as the permission event says: {@code FAN_OPEN_PERM} or {@code FAN_OPEN_EXEC_PERM}. */
public enum Operation {
    /** {@code open(2)} and friends: {@code FAN_OPEN_PERM} alone. */
    OPEN("open"),
    /** Opening a file to execute it ({@code execve(2)}, {@code uselib}): {@code FAN_OPEN_EXEC_PERM}. */
    EXEC("exec");

    private final String word;

    Operation(String word) {
        this.word = word;
    }

    /** The name in the stream and on the command line: {@code open}, {@code exec}. */
    public String word() {
        return word;
    }
}
