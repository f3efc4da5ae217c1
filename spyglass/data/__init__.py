"""Data files shipped inside the package (each folder says where its data comes from)."""
