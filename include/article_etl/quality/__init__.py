"""Quality stage: reason codes, record checks and the Great Expectations gate.

``gx_suite`` is deliberately not imported here: importing it must stay cheap, and it pulls in
Great Expectations only when a batch is validated.
"""
