"""Case-level records: the schema, readers, validation, pseudonymisation and the store."""
