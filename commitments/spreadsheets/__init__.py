"""The monitoring matrix as a spreadsheet: template/export, safe reading, preview and apply."""
