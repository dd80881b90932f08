"""Replay migrations on a scratch database and capture what they really run (see ``collect``)."""
