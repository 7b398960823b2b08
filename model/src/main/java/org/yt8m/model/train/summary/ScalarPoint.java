package org.yt8m.model.train.summary;

/** One scalar of an event file: the event's step, the value's tag and its float32 value. */
public record ScalarPoint(long step, String tag, float value) {}
