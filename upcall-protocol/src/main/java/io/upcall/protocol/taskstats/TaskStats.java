package io.upcall.protocol.taskstats;

import java.util.Arrays;

/**
 * One decoded {@code struct taskstats}: its version, command name, and each {@link TaskstatsField} the version
 * carries. A field the version does not carry is absent ({@link #has}), not zero. Immutable.
 */
public final class TaskStats {
    private static final TaskstatsField[] FIELDS = TaskstatsField.values();

    private final int version;
    private final String comm;
    private final long[] values;
    private final boolean[] present;

    TaskStats(int version, String comm, long[] values, boolean[] present) {
        this.version = version;
        this.comm = comm;
        this.values = values;
        this.present = present;
    }

    /** Builds one from values by field (for folding records together, and tests); {@code values} is copied. */
    public static TaskStats of(int version, String comm, long[] values, boolean[] present) {
        if (values.length != FIELDS.length || present.length != FIELDS.length) {
            throw new IllegalArgumentException("one value per TaskstatsField (" + FIELDS.length + ")");
        }
        return new TaskStats(version, comm, values.clone(), present.clone());
    }

    /** The struct's own {@code version}. */
    public int version() {
        return version;
    }

    /** {@code ac_comm} up to its first NUL, or null (version 1). */
    public String comm() {
        return comm;
    }

    public boolean has(TaskstatsField field) {
        return present[field.ordinal()];
    }

    /** The field's value (unsigned fields up to 32 bits are non-negative); 0 when absent (ask {@link #has}). */
    public long get(TaskstatsField field) {
        return values[field.ordinal()];
    }

    /** The field's value, or {@code otherwise} when this version does not carry it. */
    public long get(TaskstatsField field, long otherwise) {
        return present[field.ordinal()] ? values[field.ordinal()] : otherwise;
    }

    /** A copy of the values, indexed by {@link TaskstatsField#ordinal()}. */
    public long[] values() {
        return values.clone();
    }

    /** A copy of the presence flags, indexed by {@link TaskstatsField#ordinal()}. */
    public boolean[] present() {
        return present.clone();
    }

    /** When the task began, in seconds since 1970: {@code ac_btime64} where present, else {@code ac_btime}; -1 if neither. */
    public long beginTimeSeconds() {
        return get(TaskstatsField.AC_BTIME64, get(TaskstatsField.AC_BTIME, -1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskStats t && t.version == version && java.util.Objects.equals(t.comm, comm)
                && Arrays.equals(t.values, values) && Arrays.equals(t.present, present);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(values) + version;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TaskStats[v").append(version).append(" comm=").append(comm);
        for (TaskstatsField f : FIELDS) {
            if (present[f.ordinal()] && values[f.ordinal()] != 0) {
                s.append(' ').append(f.kernelName()).append('=').append(Long.toUnsignedString(values[f.ordinal()]));
            }
        }
        return s.append(']').toString();
    }
}
