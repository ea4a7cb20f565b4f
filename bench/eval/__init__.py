"""``make eval``: how well extractors pull the article, and only the article, out of news pages.

``dataset`` loads the labelled pages, ``extractors`` wraps ours, trafilatura and readability-lxml
behind one signature, ``metrics`` scores one prediction against one label, and ``harness`` runs
them all and prints the table.
"""
