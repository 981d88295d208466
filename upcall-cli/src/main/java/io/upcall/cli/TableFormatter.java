package io.upcall.cli;

import io.upcall.core.event.Event;
import io.upcall.core.event.TableRow;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The human table, in the spirit of forkstat: local time, event, pid, a short detail, and the process's
 * command line. Colors (ANSI) only when asked: the caller decides from the terminal and NO_COLOR.
 */
class TableFormatter {
    static final String HEADER = String.format("%-15s %-9s %7s  %-24s %s", "Time", "Event", "PID", "Info", "Process");
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

    TableFormatter(boolean color) {
        this.color = color;
    }

    String header() {
        return paint(BOLD, HEADER);
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

    private String line(String time, String colorCode, String event, Object pid, String info, String process) {
        String left = String.format("%-15s %-9s %7s  %-24s ", time, event, pid, info);
        if (!color) {
            return left + process;
        }
        return time + " " + colorCode + String.format("%-9s", event) + RESET + String.format(" %7s  %-24s ", pid, info) + process;
    }

    private String paint(String code, String text) {
        return color ? code + text + RESET : text;
    }
}
