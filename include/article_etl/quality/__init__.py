"""Quality: one definition of each rule, suites per stage, the batch gate, quarantine and requeue.

``rules`` (the rules), ``suites`` (the expectation suites as data) and ``gate`` never import Great
Expectations; ``validation`` imports it on first use and ``gx_expectations`` holds the custom
expectation. Nothing here is imported at DAG-parse time.
"""
