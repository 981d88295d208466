package io.upcall.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns what went wrong into the words a user needs: the file, the reason ({@link IoReasons}; not only the path
 * that Java's file exceptions carry as their whole message: {@code cannot write /x.pcapng: /x.pcapng}) and what
 * to do about it.
 */
final class Errors {
    private Errors() {}

    /** Why a file operation failed, in lower case, without the path: "permission denied", "is a directory". */
    static String reason(IOException e) {
        return e instanceof CharacterCodingException ? "not UTF-8 text" : lowerFirst(IoReasons.reason(e));
    }

    /** {@code cannot read FILE: REASON}, with what to do where the reason suggests it. */
    static String cannotRead(Path file, IOException e) {
        return "cannot read " + file + ": " + reason(e) + hint(file, e, "read");
    }

    /** {@code cannot write FILE: REASON}; a missing directory is named as such. */
    static String cannotWrite(Path file, IOException e) {
        Path dir = file.toAbsolutePath().getParent();
        if (e instanceof NoSuchFileException && dir != null && !java.nio.file.Files.isDirectory(dir)) {
            return "cannot write " + file + ": no such directory " + dir + "; create it first, or write elsewhere";
        }
        return "cannot write " + file + ": " + reason(e) + hint(file, e, "write");
    }

    private static String hint(Path file, IOException e, String verb) {
        return switch (e) {
            case AccessDeniedException a -> verb.equals("read") ? "; run as a user who may read it, or make it readable"
                    : "; choose a file in a directory you may write to";
            case FileSystemException f when "Read-only file system".equals(f.getReason()) -> "; choose a file elsewhere";
            default -> java.nio.file.Files.isDirectory(file) ? "; give a file, not a directory" : "";
        };
    }

    /** What an unexpected failure says: its message, or its kind when it has none. */
    static String describe(Throwable t) {
        if (t instanceof IOException io && t instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + reason(io);
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** "Invalid value ..." as "invalid value ...": messages follow {@code upcall: }, as in other tools. */
    static String lowerFirst(String s) {
        if (s == null || s.length() < 2 || !Character.isUpperCase(s.charAt(0)) || !Character.isLowerCase(s.charAt(1))) {
            return s;
        }
        return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
