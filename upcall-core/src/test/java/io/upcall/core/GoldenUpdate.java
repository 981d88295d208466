package io.upcall.core;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The update switch of golden tests ({@code -Dupcall.golden.update=true}): writes what the code produces now, then
 * ends the test without a pass, so that a run in update mode can never be mistaken for a green one. A fixture that
 * changed fails (review the diff, then run again without the switch); one that did not is skipped.
 */
public final class GoldenUpdate {
    private GoldenUpdate() {}

    public static void write(Path golden, String actual) throws IOException {
        String before = Files.exists(golden) ? Files.readString(golden) : null;
        if (actual.equals(before)) {
            Assumptions.abort("update mode: " + golden + " is unchanged; run without -Dupcall.golden.update for a verdict");
        }
        Files.writeString(golden, actual);
        fail("update mode: " + (before == null ? "wrote " : "rewrote ") + golden
                + "; review the diff, then run without -Dupcall.golden.update");
    }
}
