/** fanotify: the constants of {@code <linux/fanotify.h>} and the decoder of the events a fanotify fd reads. */
package io.upcall.protocol.fanotify;
