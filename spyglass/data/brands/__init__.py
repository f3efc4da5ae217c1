"""The brand list (brands.json) and the simple-icons logos it fingerprints (icons/)."""
