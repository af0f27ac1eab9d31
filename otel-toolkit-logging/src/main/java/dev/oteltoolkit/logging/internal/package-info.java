/** Internal, not for public use: the context storage behind {@code MdcBridge}. */
package dev.oteltoolkit.logging.internal;
