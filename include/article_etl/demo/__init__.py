"""The local demo news site that ``make demo`` and the end-to-end tests fetch from.

``catalog`` says what the site publishes and what a correct pipeline must make of each URL,
``templates`` and ``feeds`` render it, and ``site`` serves it over HTTP on loopback.
"""
