package io.upcall.cli;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.IntSupplier;

/**
 * The human table, in the spirit of forkstat: local time, event, pid, a short detail, and the process's
 * command line (with its ancestors when asked for). Colors (ANSI) only when asked: the caller decides from the
 * terminal and NO_COLOR. On a terminal, lines are cut to its width, as forkstat does. Whatever the kernel, a process
 * or a capture chose is {@link Printable#escape escaped}.
 */
class TableFormatter {
    private static final int INFO = 24;
    /** Two spaces before the process, as before the info: one was lost after an info of 24 characters or more. */
    static final String HEADER = String.format("%-15s %-9s %7s  %-" + INFO + "s  %s", "Time", "Event", "PID", "Info", "Process");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String BLUE = "\u001b[34m";
    private static final String MAGENTA = "\u001b[35m";
    private static final String DIM = "\u001b[2m";
    private static final String CYAN = "\u001b[36m";

    private final boolean color;
    private final IntSupplier columns;

    /** Lines as long as they are (for a pipe or a file). */
    TableFormatter(boolean color) {
        this(color, () -> 0);
    }

    /** @param columns the terminal's width now, or 0 to leave lines whole */
    TableFormatter(boolean color, IntSupplier columns) {
        this.color = color;
        this.columns = columns;
    }

    String header() {
        return paint(BOLD, cut(HEADER, columns.getAsInt()));
    }

    String format(Event event) {
        TableRow row = event.tableRow();
        return line(TIME.format(event.time()), color(row.tone()), row.event(), row.id(), row.info(), row.about());
    }

    private static String color(TableRow.Tone tone) {
        return switch (tone) {
            case BEGIN -> GREEN;
            case END -> YELLOW;
            case CHANGE -> BLUE;
            case NOTICE -> MAGENTA;
            case ALERT -> RED;
            case DEVICE -> CYAN;
            case FAINT -> DIM;
        };
    }

    /** One row. The event, the info and the process are escaped here, once, whatever they hold. */
    private String line(String time, String colorCode, String event, Object pid, String info, String process) {
        String ev = String.format("%-9s", Printable.escape(event));
        String in = Printable.escape(info);
        String rest = String.format(" %7s  %-" + INFO + "s  ", pid, in) + Printable.escape(process);
        String head = time + " ";
        int width = columns.getAsInt();
        if (width > 0 && head.length() + ev.length() + length(rest) > width) {
            int room = width - head.length() - ev.length();
            if (room < 0) {
                return cut(head + ev, width); // a terminal too narrow even for the event: no room for color either
            }
            rest = cut(rest, room);
        }
        return color ? head + colorCode + ev + RESET + rest : head + ev + rest;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The first {@code width} characters of {@code s} (all of it when {@code width} is 0). */
    static String cut(String s, int width) {
        return width <= 0 || length(s) <= width ? s : s.substring(0, s.offsetByCodePoints(0, width));
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }
}
