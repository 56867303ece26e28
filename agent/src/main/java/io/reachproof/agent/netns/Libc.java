package io.reachproof.agent.netns;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few libc calls that enter a network namespace. */
interface Libc extends Library {

    Libc INSTANCE = Native.load("c", Libc.class);

    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;
    int EPERM = 1;
    int ENOENT = 2;
    int EACCES = 13;
    int EINVAL = 22;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** Moves the calling thread (only it) into the namespace {@code fd} refers to. */
    int setns(int fd, int nstype) throws LastErrorException;

    String strerror(int errno);
}
