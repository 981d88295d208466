package io.upcall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code upcall acct}'s bad input, refused before anything starts, with the reason and status 2. */
class AcctCommandTest {
    private final InProcess cli = new InProcess();

    private void assertRefused(String reason, String... args) {
        cli.clear();
        assertThat(cli.run(args)).as(cli.err.toString()).isEqualTo(2);
        assertThat(cli.err.toString()).startsWith("upcall: ").contains(reason)
                .contains("Try 'upcall acct --help' for more information.");
    }

    @Test
    void anUnknownUserIsRefusedByName() {
        assertRefused("--user no-such-user-upcall: no such user in /etc/passwd; give a user name or a numeric uid",
                "acct", "--user", "no-such-user-upcall");
    }

    @Test
    void aUidTooLargeIsNotAUid() {
        assertRefused("--user 99999999999: no such user", "acct", "--user", "99999999999");
    }

    @Test
    void anEmptyCommandNameAndAZeroCountAreRefused() {
        assertRefused("--comm is empty", "acct", "--comm", "");
        assertRefused("--count", "acct", "--count", "0");
    }

    @Test
    void jobsAddNeedsARunningPid() {
        cli.clear();
        int pid = UsageErrorTest.freePid();
        assertThat(cli.run("jobs", "add", "--pid", Integer.toString(pid))).isEqualTo(2);
        assertThat(cli.err.toString()).contains("no process " + pid + " is running");
        cli.clear();
        assertThat(cli.run("jobs", "run")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("missing required parameter: 'CMD'");
    }

    @Test
    void aUserNameIsItsUid() {
        assertThat(AcctCommand.uid("root", null)).isZero();
        assertThat(AcctCommand.uid("1000", null)).isEqualTo(1000);
    }
}
