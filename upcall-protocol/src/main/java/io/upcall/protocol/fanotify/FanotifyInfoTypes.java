package io.upcall.protocol.fanotify;

/** Placeholder until the shared {@code Fanotify} header class lands; these move there. */
final class FanotifyInfoTypes {
    static final int FAN_EVENT_INFO_TYPE_FID = 1;
    static final int FAN_EVENT_INFO_TYPE_DFID_NAME = 2;
    static final int FAN_EVENT_INFO_TYPE_DFID = 3;
    static final int FAN_EVENT_INFO_TYPE_PIDFD = 4;
    static final int FAN_EVENT_INFO_TYPE_ERROR = 5;
    static final int FAN_EVENT_INFO_TYPE_RANGE = 6;
    static final int FAN_EVENT_INFO_TYPE_MNT = 7;
    static final int FAN_EVENT_INFO_TYPE_OLD_DFID_NAME = 10;
    static final int FAN_EVENT_INFO_TYPE_NEW_DFID_NAME = 12;

    private FanotifyInfoTypes() {}
}
