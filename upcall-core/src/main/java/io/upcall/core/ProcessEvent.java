package io.upcall.core;

import io.upcall.protocol.cnproc.ProcEvent;
import java.time.Instant;

/**
 * A proc-connector event: the kernel's {@link ProcEvent} with its wall-clock time and, where known,
 * the process it is about (for a fork, the child; otherwise the thread group of {@code tgid}).
 */
public record ProcessEvent(Instant time, ProcEvent kernel, ProcessInfo process) implements Event {

    @Override
    public String source() {
        return "proc";
    }

    @Override
    public String type() {
        return ProcEventType.of(kernel).jsonName();
    }

    ProcessEvent withProcess(ProcessInfo info) {
        return new ProcessEvent(time, kernel, info);
    }
}
