package io.upcall.core.hotplug;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which uevent properties a hotplug program may see in its environment. The program runs with Upcall's privilege
 * (root, usually), and a property is data from the kernel and the device, never configuration: so no property may
 * replace {@code PATH} or {@code HOME}, and none may be one of the variables that make the dynamic loader, the C
 * library or an interpreter load code or files it names ({@code LD_PRELOAD}, {@code GCONV_PATH}, {@code BASH_ENV},
 * {@code PYTHONPATH}, ...): glibc itself drops most of these for setuid programs ({@code unsecvars.h}) for the same
 * reason. Only names of the portable form ({@code [A-Za-z_][A-Za-z0-9_]*}, as the kernel's all are) pass, which also
 * keeps out bash's exported functions ({@code BASH_FUNC_name%%}).
 */
final class HotplugEnvironment {
    private static final Pattern PORTABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The dynamic loader's variables (glibc's and musl's), and bash's exported functions however they are spelled. */
    private static final String[] PREFIXES = {"LD_", "BASH_FUNC_"};
    /**
     * glibc's {@code unsecvars.h} (less {@code LD_*}), then shells' start-up files and options, then interpreters'
     * module paths and start-up options, then the JVM's.
     */
    private static final Set<String> NAMES = Set.of(
            "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE",
            "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR",
            "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "CDPATH", "GLOBIGNORE",
            "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "PERL5LIB", "PERLLIB", "PERL5OPT", "RUBYLIB",
            "RUBYOPT", "NODE_OPTIONS", "NODE_PATH", "LUA_PATH", "LUA_CPATH", "LUA_INIT", "TCLLIBPATH",
            "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH");

    private HotplugEnvironment() {}

    /** Whether a property of this name goes into a hotplug program's environment. */
    static boolean passes(String name) {
        if (!PORTABLE_NAME.matcher(name).matches() || RuleMatcher.BASE_ENV.containsKey(name) || NAMES.contains(name)) {
            return false;
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }
}
