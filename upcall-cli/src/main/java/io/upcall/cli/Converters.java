package io.upcall.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parsers for the option values every command shares: durations and byte sizes. */
final class Converters {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]i?b?|b)?");

    private Converters() {}

    /** {@code 15} (seconds), {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a duration: use seconds (15) or a unit (500ms, 15s, 2m, 1h)");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
    }

    /** {@code 8388608}, {@code 8M}, {@code 8MiB}, {@code 512k}: binary multiples. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use bytes (8388608) or K, M, G (8M)");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).substring(0, 1);
            long bytes = switch (unit) {
                case "k" -> n << 10;
                case "m" -> n << 20;
                case "g" -> n << 30;
                default -> n;
            };
            if (bytes > Integer.MAX_VALUE / 2) {
                throw new CommandLine.TypeConversionException("'" + value + "' is more than the kernel accepts (1 GiB)");
            }
            return (int) bytes;
        }
    }

    /** {@code 34}, {@code SIGRTMIN+2}, {@code USR1}; refuses glibc's reserved 32 and 33 with the reason. */
    static final class SignalConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int signal = io.upcall.linux.Signals.parse(value);
                io.upcall.core.relay.Relay.checkSignal(signal);
                return signal;
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
