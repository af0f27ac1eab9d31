package dev.oteltoolkit.logging;

/** {@link MdcVirtualThreadsTest} with Log4j2 as the only SLF4J backend (the log4j2 execution). */
class Log4j2MdcVirtualThreadsTest extends MdcVirtualThreadsTest {}
