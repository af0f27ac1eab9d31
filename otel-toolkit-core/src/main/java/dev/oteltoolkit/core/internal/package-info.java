/** Internal, not for public use: may change at any time. */
package dev.oteltoolkit.core.internal;
