"""Pre-registered returns: started by the customer (kiosk, browser) or an associate on the
phone, held with reserved units until they expire, opened at the counter by their code.

``start`` makes one (the policy pre-checks each line), ``lookup`` finds one by its code
(rate-limited per register) or shows it, ``moves`` cancels and expires them; completing one
is the counter's one completion use case (``services.returns.sources.prereturn``).
"""
