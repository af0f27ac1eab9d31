/**
 * What the scenarios stand on without teaching it: the fake OpenAI-compatible LLM server they call,
 * the pulled metric reader and histogram merging their metric summaries print from, and named
 * daemon threads. The scenarios' own packages show the toolkit; this one only keeps them running.
 */
package dev.oteltoolkit.examples.scaffold;
