//! The spreadsheet tracker: CSV import (`mlps import FILE.csv`) and export
//! (`mlps export --format csv`), one row per network.
