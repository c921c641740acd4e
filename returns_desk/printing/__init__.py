"""Slips and vouchers: PDFs with Code128 barcodes, thermal 80 mm or A4, printed via CUPS."""
