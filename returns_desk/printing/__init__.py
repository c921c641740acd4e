"""Slips on paper: one slip model (``model``) drawn as PDF (``render``: Code128, thermal
80 mm, A4, Letter) or as ESC/POS for thermal printers (``escpos``), and sent to CUPS
(``printers``) or straight to the printer (``thermal``); ``outlet`` picks between them."""
