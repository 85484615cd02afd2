"""The public face of curation: accepted mechanism records, browsable and drawn. Reads only."""
