package io.upcall.core.hotplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upcall.protocol.uevent.Uevent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rules: what each matcher accepts, the argv convention, the environment, and the checks on bad rules. */
class HotplugRuleTest {

    static Uevent uevent(String action, String devpath, String... keyValues) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ACTION", action);
        env.put("DEVPATH", devpath);
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return new Uevent(false, action, devpath, env);
    }

    private static final Uevent LO = uevent("change", "/devices/virtual/net/lo", "SUBSYSTEM", "net", "INTERFACE", "lo",
            "IFINDEX", "1", "SEQNUM", "823");
    private static final Uevent SDA = uevent("add", "/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda",
            "SUBSYSTEM", "block", "DEVTYPE", "disk", "DEVNAME", "sda", "SEQNUM", "900");

    private static boolean matches(HotplugRule.Builder b, Uevent u) {
        return new RuleMatcher(1, b.run("/bin/true").build()).matches(u);
    }

    @Test
    void anEmptyMatchMatchesEverything() {
        assertThat(matches(HotplugRule.builder(), LO)).isTrue();
        assertThat(matches(HotplugRule.builder(), SDA)).isTrue();
    }

    @Test
    void actionTakesOneOfItsValues() {
        assertThat(matches(HotplugRule.builder().action("change"), LO)).isTrue();
        assertThat(matches(HotplugRule.builder().action("add"), LO)).isFalse();
        assertThat(matches(HotplugRule.builder().action("add", "change"), LO)).isTrue();
    }

    @Test
    void subsystemAndDevtypeAreExactAndAbsentNeverMatches() {
        assertThat(matches(HotplugRule.builder().subsystem("net"), LO)).isTrue();
        assertThat(matches(HotplugRule.builder().subsystem("block", "net"), LO)).isTrue();
        assertThat(matches(HotplugRule.builder().subsystem("ne"), LO)).isFalse();
        assertThat(matches(HotplugRule.builder().devtype("disk"), SDA)).isTrue();
        assertThat(matches(HotplugRule.builder().devtype("partition"), SDA)).isFalse();
        assertThat(matches(HotplugRule.builder().devtype("disk"), LO)).as("lo has no DEVTYPE").isFalse();
    }

    @Test
    void devpathIsAGlobOrAListOfThem() {
        assertThat(matches(HotplugRule.builder().devpath("/devices/virtual/net/*"), LO)).isTrue();
        assertThat(matches(HotplugRule.builder().devpath("/devices/virtual/net/*"), SDA)).isFalse();
        assertThat(matches(HotplugRule.builder().devpath("/devices/virtual/net/*", "*/block/sd?"), SDA)).isTrue();
    }

    @Test
    void envGlobsMustAllMatchAndAnAbsentPropertyDoesNot() {
        assertThat(matches(HotplugRule.builder().env("INTERFACE", "l*"), LO)).isTrue();
        assertThat(matches(HotplugRule.builder().env("INTERFACE", "eth*"), LO)).isFalse();
        assertThat(matches(HotplugRule.builder().env("INTERFACE", "eth*", "lo"), LO)).isTrue();
        assertThat(matches(HotplugRule.builder().env("INTERFACE", "lo").env("IFINDEX", "2"), LO)).isFalse();
        assertThat(matches(HotplugRule.builder().env("INTERFACE", "*"), SDA)).as("no INTERFACE on a disk").isFalse();
    }

    @Test
    void everyMatcherGivenMustMatch() {
        HotplugRule.Builder all = HotplugRule.builder().action("change").subsystem("net").devpath("/devices/virtual/net/*")
                .env("INTERFACE", "lo");
        assertThat(matches(all, LO)).isTrue();
        assertThat(matches(all.action("add"), uevent("remove", "/devices/virtual/net/lo", "SUBSYSTEM", "net",
                "INTERFACE", "lo"))).isFalse();
    }

    @Test
    void theProgramAloneGetsTheSubsystemAsItsOneArgument() {
        RuleMatcher programOnly = new RuleMatcher(1, HotplugRule.builder().run("/sbin/hotplug").build());
        assertThat(programOnly.argv(LO)).containsExactly("/sbin/hotplug", "net");
        assertThat(programOnly.argv(uevent("add", "/devices/x"))).as("no subsystem: no argument").containsExactly("/sbin/hotplug");
        RuleMatcher list = new RuleMatcher(1, HotplugRule.builder().run("/usr/local/sbin/net-hook", "--verbose").build());
        assertThat(list.argv(LO)).containsExactly("/usr/local/sbin/net-hook", "--verbose");
    }

    @Test
    void theEnvironmentIsTheUeventsPropertiesOverAFixedBase() {
        Map<String, String> env = RuleMatcher.environment(LO);
        assertThat(env).containsEntry("ACTION", "change").containsEntry("DEVPATH", "/devices/virtual/net/lo")
                .containsEntry("SUBSYSTEM", "net").containsEntry("SEQNUM", "823").containsEntry("INTERFACE", "lo")
                .containsEntry("HOME", "/").containsKey("PATH");
        assertThat(env).hasSize(RuleMatcher.BASE_ENV.size() + LO.env().size());
    }

    /**
     * Issue 10: properties were put over the base, so a uevent could set the PATH a root program searches, or have the
     * loader preload a library. They are data, never configuration.
     */
    @Test
    void noPropertyReplacesPathOrHomeOrSteersTheLoaderOrAShell() {
        Uevent hostile = uevent("add", "/devices/x", "SUBSYSTEM", "usb", "PATH", "/tmp/evil", "HOME", "/tmp",
                "LD_PRELOAD", "/tmp/x.so", "LD_LIBRARY_PATH", "/tmp", "LD_AUDIT", "/tmp/a.so", "GCONV_PATH", "/tmp",
                "BASH_ENV", "/tmp/rc", "ENV", "/tmp/rc", "PYTHONPATH", "/tmp", "GLIBC_TUNABLES", "x", "IFS", "/",
                "BASH_FUNC_ls%%", "() { :; }", "A-B", "1", "PRODUCT", "46d/c52b/1211", "ID_LD_PRELOAD", "kept");
        Map<String, String> env = RuleMatcher.environment(hostile);
        assertThat(env).containsEntry("PATH", RuleMatcher.BASE_ENV.get("PATH")).containsEntry("HOME", "/");
        assertThat(env.keySet()).containsExactlyInAnyOrder("HOME", "PATH", "ACTION", "DEVPATH", "SUBSYSTEM", "PRODUCT",
                "ID_LD_PRELOAD");
    }

    @Test
    void badRulesSayWhatIsWrong() {
        assertThatThrownBy(() -> HotplugRule.builder().action("plug")).hasMessageContaining("unknown action 'plug'")
                .hasMessageContaining("add, remove, change");
        assertThatThrownBy(() -> HotplugRule.builder().devpath("/devices/[")).hasMessageContaining("bad glob");
        assertThatThrownBy(() -> HotplugRule.builder().env("INTERFACE", "eth[")).hasMessageContaining("bad glob");
        assertThatThrownBy(() -> HotplugRule.builder().run()).hasMessageContaining("run is empty");
        assertThatThrownBy(() -> HotplugRule.builder().run("net-hook")).hasMessageContaining("not an absolute path");
        assertThatThrownBy(() -> HotplugRule.builder().timeout(Duration.ZERO)).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> HotplugRule.builder().build()).hasMessageContaining("run is empty");
        assertThatThrownBy(() -> new HotplugRule(null, Set.of("boot"), Set.of(), Set.of(), List.of(), Map.of(), List.of("/bin/true"),
                HotplugRule.DEFAULT_TIMEOUT)).as("the record checks too").hasMessageContaining("unknown action 'boot'");
        assertThatThrownBy(() -> HotplugRules.of().withMaxJobs(0)).hasMessageContaining("max jobs must be positive");
    }
}
