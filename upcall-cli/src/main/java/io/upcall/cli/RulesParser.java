package io.upcall.cli;

import io.upcall.core.hotplug.HotplugRule;
import io.upcall.core.hotplug.HotplugRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import picocli.CommandLine;

/**
 * Reads a hotplug rules file (YAML) into {@link HotplugRules}. The YAML is composed into nodes, not bound to
 * objects, so that every fault names the line of the value at fault: an unknown key, a wrong type, an empty
 * {@code run}, a bad glob, duration or action. The checks on values are the core's own ({@link HotplugRule.Builder}).
 */
final class RulesParser {
    private static final List<String> TOP = List.of("rules", "max_jobs");
    private static final List<String> RULE = List.of("name", "match", "run", "timeout");
    private static final List<String> MATCH = List.of("action", "subsystem", "devtype", "devpath", "env");

    /** A rules file that cannot be used; the message is {@code FILE, line N: reason}. */
    static final class RulesFileException extends Exception {
        RulesFileException(String message) {
            super(message);
        }
    }

    /** A fault at a line, before the file's name is known to it. */
    private static final class Fault extends RuntimeException {
        final int line;

        Fault(int line, String reason) {
            super(reason, null, false, false);
            this.line = line;
        }
    }

    private RulesParser() {}

    static HotplugRules parse(Path file) throws RulesFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new RulesFileException(file + ": no such file");
        } catch (IOException e) {
            throw new RulesFileException(file + ": cannot read it: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    static HotplugRules parse(String yaml, String name) throws RulesFileException {
        try {
            Optional<Node> root = new Compose(LoadSettings.builder().setLabel(name).build()).composeString(yaml);
            if (root.isEmpty()) {
                throw new Fault(1, "the file is empty: it needs 'rules:' and a list of rules");
            }
            return rules(root.get());
        } catch (Fault f) {
            throw new RulesFileException(name + ", line " + f.line + ": " + f.getMessage());
        } catch (MarkedYamlEngineException e) {
            throw new RulesFileException(name + ", line " + e.getProblemMark().map(m -> m.getLine() + 1).orElse(1)
                    + ": not valid YAML: " + e.getProblem() + (e.getProblem().contains("<block") ? " (check the indentation)" : ""));
        } catch (YamlEngineException e) {
            throw new RulesFileException(name + ": not valid YAML: " + e.getMessage());
        }
    }

    private static HotplugRules rules(Node root) {
        Map<String, Node> top = fields(root, TOP, "the top level");
        Node list = top.get("rules");
        if (list == null) {
            throw new Fault(line(root), "no 'rules:': the file needs a list of rules under it");
        }
        if (!(list instanceof SequenceNode seq)) {
            throw new Fault(line(list), "'rules' must be a list (each rule starting with '- '), not " + kind(list));
        }
        List<HotplugRule> rules = new ArrayList<>();
        for (Node rule : seq.getValue()) {
            rules.add(rule(rule, rules.size() + 1));
        }
        int maxJobs = HotplugRules.DEFAULT_MAX_JOBS;
        Node jobs = top.get("max_jobs");
        if (jobs != null) {
            String text = scalar(jobs, "max_jobs");
            try {
                maxJobs = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new Fault(line(jobs), "max_jobs must be a whole number, not '" + text + "'");
            }
        }
        int limit = maxJobs;
        return check(jobs, () -> new HotplugRules(rules, limit));
    }

    private static HotplugRule rule(Node node, int number) {
        Map<String, Node> f = fields(node, RULE, "rule " + number);
        HotplugRule.Builder b = HotplugRule.builder();
        if (f.containsKey("name")) {
            b.name(scalar(f.get("name"), "name"));
        }
        if (f.containsKey("match")) {
            match(f.get("match"), b);
        }
        Node run = f.get("run");
        if (run == null) {
            throw new Fault(line(node), "rule " + number + " has no 'run': name the program to run");
        }
        if (run instanceof SequenceNode seq && seq.getValue().isEmpty()) {
            throw new Fault(line(run), "run is empty: name the program to run (an absolute path)");
        }
        List<String> argv = new ArrayList<>();
        eachValue(run, "run", (value, at) -> argv.add(value));
        check(run, () -> b.run(argv));
        Node timeout = f.get("timeout");
        if (timeout != null) {
            String text = scalar(timeout, "timeout");
            check(timeout, () -> {
                try {
                    return b.timeout(new Converters.DurationConverter().convert(text));
                } catch (CommandLine.TypeConversionException e) {
                    throw new IllegalArgumentException("timeout: " + e.getMessage());
                }
            });
        }
        return check(node, b::build);
    }

    private static void match(Node node, HotplugRule.Builder b) {
        Map<String, Node> f = fields(node, MATCH, "match");
        eachValue(f.get("action"), "action", (v, at) -> check(at, () -> b.action(v)));
        eachValue(f.get("subsystem"), "subsystem", (v, at) -> b.subsystem(v));
        eachValue(f.get("devtype"), "devtype", (v, at) -> b.devtype(v));
        eachValue(f.get("devpath"), "devpath", (v, at) -> check(at, () -> b.devpath(v)));
        Node env = f.get("env");
        if (env != null) {
            if (!(env instanceof MappingNode m)) {
                throw new Fault(line(env), "env must map property names to globs ({INTERFACE: \"eth*\"}), not " + kind(env));
            }
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode(), "a property name");
                eachValue(t.getValueNode(), "env " + key, (v, at) -> check(at, () -> b.env(key, v)));
            }
        }
    }

    /** The keys of a mapping, each checked against {@code allowed} and for duplicates. */
    private static Map<String, Node> fields(Node node, List<String> allowed, String where) {
        if (!(node instanceof MappingNode m)) {
            throw new Fault(line(node), where + " must be a mapping of " + String.join(", ", allowed) + ", not "
                    + kind(node));
        }
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), "a key");
            if (!allowed.contains(key)) {
                throw new Fault(line(t.getKeyNode()), "unknown key '" + key + "' in " + where + ": use "
                        + String.join(", ", allowed));
            }
            if (fields.put(key, t.getValueNode()) != null) {
                throw new Fault(line(t.getKeyNode()), "duplicate key '" + key + "' in " + where);
            }
        }
        return fields;
    }

    /** One value or a list of them: each with its node, for the line of a bad one. Nothing when absent. */
    private static void eachValue(Node node, String what, BiConsumer<String, Node> each) {
        if (node == null) {
            return;
        }
        if (node instanceof SequenceNode seq) {
            if (seq.getValue().isEmpty()) {
                throw new Fault(line(node), what + " is an empty list: leave it out, or give a value");
            }
            seq.getValue().forEach(n -> each.accept(scalar(n, what), n));
        } else {
            each.accept(scalar(node, what), node);
        }
    }

    /** A scalar's text: numbers and words alike ({@code 1} is "1"); a list, mapping or nothing is a fault. */
    private static String scalar(Node node, String what) {
        if (!(node instanceof ScalarNode s)) {
            throw new Fault(line(node), what + " must be a value, not " + kind(node));
        }
        if (s.getTag().equals(Tag.NULL)) {
            throw new Fault(line(node), what + " has no value");
        }
        return s.getValue();
    }

    /** Runs a core check, turning its refusal into a fault at {@code node}'s line. */
    private static <T> T check(Node node, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new Fault(node != null ? line(node) : 1, e.getMessage());
        }
    }

    private static int line(Node node) {
        return node.getStartMark().map(Mark::getLine).orElse(0) + 1;
    }

    private static String kind(Node node) {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            case ScalarNode s when s.getTag().equals(Tag.NULL) -> "nothing";
            default -> "'" + ((ScalarNode) node).getValue() + "'";
        };
    }
}
