"""Open Referral HSDS 3.0 for the service directory, one module per job:

- mapping: the field mapping between Strom and HSDS (ids, the two taxonomies, one object at a time)
- schema: the official schemas in ../hsds_schema/, validation, the tables of the tabular package
- exporting: the JSON document and the tabular package (CSV files, zip)
- reading: reading and checking a file, the dry run (plan_import); it never writes
- applying: writing a checked plan into a directory (apply_import)
- pages: the HSDS API's pages and the queries behind its lists

Import a name from the module that holds it; this package re-exports nothing.
"""
