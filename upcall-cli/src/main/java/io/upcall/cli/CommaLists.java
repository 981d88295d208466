package io.upcall.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import picocli.CommandLine;

/**
 * Options that take comma-separated values ({@code --events fork,exec}, repeatable). The split is done here,
 * not by picocli, whose split drops empty items at the end: {@code --events fork,,} passed as {@code fork}, and
 * {@code --subsystem ''} as no filter at all. Here an empty item is a usage error that says so.
 */
final class CommaLists {
    private CommaLists() {}

    /**
     * The items of every value given for {@code option}, in order; none when {@code values} is null or empty.
     *
     * @throws CommandLine.ParameterException for an empty item
     */
    static List<String> split(List<String> values, String option, String example, CommandLine commandLine) {
        List<String> items = new ArrayList<>();
        if (values == null) {
            return items;
        }
        for (String value : values) {
            for (String item : value.split(",", -1)) {
                if (item.isBlank()) {
                    throw new CommandLine.ParameterException(commandLine, option + " "
                            + (value.isBlank() ? "is empty" : "'" + value + "' has an empty item") + ": give "
                            + example + ", or leave the option out");
                }
                items.add(item.strip());
            }
        }
        return items;
    }

    /** As {@link #split}, each item one of {@code allowed}. */
    static List<String> split(List<String> values, String option, Collection<String> allowed, CommandLine commandLine) {
        String names = String.join(", ", allowed);
        List<String> items = split(values, option, "one or more of " + names, commandLine);
        for (String item : items) {
            if (!allowed.contains(item)) {
                throw new CommandLine.ParameterException(commandLine, option + ": unknown value '" + item + "'; use "
                        + names);
            }
        }
        return items;
    }
}
