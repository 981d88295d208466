package io.upcall.core.acct;

import static org.assertj.core.api.Assertions.assertThat;

import io.upcall.core.JsonEventWriter;
import io.upcall.protocol.taskstats.TaskStats;
import io.upcall.protocol.taskstats.TaskstatsField;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User and group names in accounting records, from passwd and group files. */
class AcctNamesTest {
    @TempDir
    Path dir;

    private static AcctEvent record(long uid, long gid) {
        TaskstatsField[] fields = TaskstatsField.values();
        long[] v = new long[fields.length];
        boolean[] has = new boolean[fields.length];
        has[TaskstatsField.AC_UID.ordinal()] = true;
        has[TaskstatsField.AC_GID.ordinal()] = true;
        v[TaskstatsField.AC_UID.ordinal()] = uid;
        v[TaskstatsField.AC_GID.ordinal()] = gid;
        return new AcctEvent(Instant.EPOCH, AcctEvent.EXIT, TaskStats.of(16, "make", v, has), 1);
    }

    @Test
    void namesComeFromPasswdAndGroupAndAnUnknownIdStaysNull() throws IOException {
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/a:/bin/sh\n");
        Path group = Files.writeString(dir.resolve("group"), "root:x:0:\nstaff:x:50:alice\n");
        AcctNames names = new AcctNames(passwd, group);
        AcctEvent named = (AcctEvent) names.process(record(1000, 50));
        assertThat(named.user()).isEqualTo("alice");
        assertThat(named.group()).isEqualTo("staff");
        String json = JsonEventWriter.toJson(named);
        assertThat(json).contains("\"uid\":1000,\"user\":\"alice\",\"gid\":50,\"group\":\"staff\"");
        AcctEvent unknown = (AcctEvent) names.process(record(4242, 4242));
        assertThat(unknown.user()).isNull();
        assertThat(JsonEventWriter.toJson(unknown)).contains("\"user\":null").contains("\"group\":null");
    }
}
