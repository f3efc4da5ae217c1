"""Spyglass's own YARA rules for the "yara" verdict engine (see SOURCE)."""
