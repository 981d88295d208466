package io.upcall.core.acct;

import io.upcall.core.channel.EventStage;
import io.upcall.core.event.Event;
import io.upcall.core.procfs.UserNames;
import java.nio.file.Path;

/**
 * The live stream's stage: names the user and group of each accounting record from {@code /etc/passwd} and
 * {@code /etc/group} (read once, again when an id is unknown, at most every ten seconds: {@link UserNames}). A replay
 * gets no names: the capture's ids may be another machine's. Runs on the dispatch thread only.
 */
final class AcctNames implements EventStage {
    private final UserNames users;
    private final UserNames groups;

    AcctNames(Path passwd, Path group) {
        this.users = new UserNames(passwd);
        this.groups = new UserNames(group); // the same "name:x:id:..." layout
    }

    static AcctNames system() {
        return new AcctNames(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    @Override
    public Event process(Event event) {
        if (event instanceof AcctEvent a && a.user() == null) {
            return a.withNames(name(users, a.uid()), name(groups, a.gid()));
        }
        return event;
    }

    private static String name(UserNames names, long id) {
        return id < 0 || id > Integer.MAX_VALUE ? null : names.name((int) id);
    }
}
